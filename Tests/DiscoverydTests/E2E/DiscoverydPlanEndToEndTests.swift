import DiscoverydTesting
import Foundation
import HAProxySink
import HAProxyTesting
import Testing

/// `discoveryd plan` against a real HAProxy through the Runtime API: what it prints is what `--once` then
/// does, and planning writes nothing.
extension DiscoverydEndToEndTests {
    static let planBackend = "e2e-web-8080-lab"

    /// Runs `body` with a real HAProxy (one backend of 10 slots, no health checks so that its state moves
    /// only when written), a static file and a configuration for the Runtime API sink.
    static func withPlanSetup(
        _ body: (HAProxyProcess, _ executable: DiscoverydExecutable, _ directory: URL, _ config: URL) async throws -> Void
    ) async throws {
        let executable = try #require(DiscoverydExecutable.locate(), "the discoveryd executable was not built")
        try await withRealHAProxy(backends: [.init(planBackend, check: false)], runtimeSocket: .unix) { lab in
            let config = lab.directory.appendingPathComponent("discoveryd.yaml")
            try StaticFleet.configuration(runtimeSocket: lab.runtimeSocket)
                .write(to: config, atomically: true, encoding: .utf8)
            try await body(lab.haproxy, executable, lab.directory, config)
        }
    }

    @Test func planAgainstALiveHAProxyNamesEachChangeWritesNothingAndOnceDoesExactlyThat() async throws {
        try await Self.withPlanSetup { haproxy, executable, directory, config in
            let instances = directory.appendingPathComponent("instances.yaml")
            try StaticFleet((1...5).map { ("web-\($0)", "127.0.0.5\($0)", 8080) }).write(to: instances)
            let first = try await executable.run(["--once", "-c", config.path])
            #expect(first.status == 0, "\(first.stderr)")
            let applied = try await haproxy.activeSlots(backend: Self.planBackend)
            #expect(applied == Dictionary(uniqueKeysWithValues: (1...5).map { ("srv\($0)", "127.0.0.5\($0):8080") }))

            // web-2 leaves, web-6 joins, web-1 changes its address (2 of 5 live servers change: within the
            // mass-drain guard's default 0.5).
            try StaticFleet(
                [("web-1", "127.0.0.61", 8080)] + (3...6).map { ("web-\($0)", "127.0.0.5\($0)", 8080) }
            ).write(to: instances)
            let before = try await haproxy.serverStates()
            let table = try await executable.run(["plan", "-c", config.path])
            let json = try await executable.run(["plan", "--format", "json", "-c", config.path])
            #expect(table.status == 0, "\(table.stderr)")
            #expect(json.status == 0, "\(json.stderr)")
            #expect(try await haproxy.serverStates() == before, "plan wrote nothing to HAProxy")

            let changeLines = table.stdout.split(separator: "\n").filter { $0.hasPrefix("  srv") }.map(String.init)
            #expect(
                changeLines == [
                    "  srv1: 127.0.0.51:8080 → web-1 127.0.0.61:8080",
                    "  srv2: 127.0.0.52:8080 → web-6 127.0.0.56:8080",
                ],
                "\(table.stdout)"
            )
            #expect(!table.stdout.contains("reload"))
            let predicted = try slotsAfter(plan: json.stdout, backend: Self.planBackend, before: applied)

            let once = try await executable.run(["--once", "-c", config.path])
            #expect(once.status == 0, "\(once.stderr)")
            #expect(try await haproxy.activeSlots(backend: Self.planBackend) == predicted, "--once did what plan said")
            #expect(predicted.count == 5 && Set(predicted.values).contains("127.0.0.61:8080"))
            #expect(!predicted.values.contains("127.0.0.52:8080"), "web-2 is out")

            let settled = try await executable.run(["plan", "-c", config.path])
            #expect(settled.status == 0)
            #expect(settled.stdout.contains("no changes"), "\(settled.stdout)")
        }
    }

    @Test func planExitsOneAndNamesTheHAProxyCfgLinesForABackendHAProxyLacks() async throws {
        try await Self.withPlanSetup { haproxy, executable, directory, config in
            try StaticFleet([("web-1", "127.0.0.51", 8080)]).write(to: directory.appendingPathComponent("instances.yaml"))
            try StaticFleet([("api-1", "127.0.0.71", 9090)], service: "api", servicePort: 9090)
                .write(to: directory.appendingPathComponent("api.yaml"))
            let both = directory.appendingPathComponent("both.yaml")
            try String(contentsOf: config, encoding: .utf8)
                .replacingOccurrences(of: "static:\n  path: instances.yaml", with: "static:\n  - path: instances.yaml\n  - path: api.yaml")
                .write(to: both, atomically: true, encoding: .utf8)
            let before = try await haproxy.serverStates()

            let result = try await executable.run(["plan", "--format", "json", "-c", both.path])
            #expect(result.status == 1, "the apply would fail: HAProxy has no e2e-api-9090-lab")
            let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            #expect(document["sink"] as? String == "haproxy-runtime")
            #expect(document["apply_would_fail"] as? Bool == true)
            let errors = try #require(document["errors"] as? [[String: Any]])
            #expect(errors.first?["backend"] as? String == "e2e-api-9090-lab")
            #expect((errors.first?["haproxy_cfg"] as? [String])?.first == "backend e2e-api-9090-lab")
            let backends = try #require(document["backends"] as? [[String: Any]])
            #expect(backends.first { $0["name"] as? String == "e2e-api-9090-lab" }?["status"] as? String == "missing")
            #expect(!result.stdout.contains("needs_reload"))
            #expect(try await haproxy.serverStates() == before, "plan wrote nothing to HAProxy")

            let check = try await executable.run(["--validate", "--connect", "-c", both.path])
            #expect(check.status == 1, "--validate --connect fails where plan does: \(check.stdout)")
            let sinkLine = try #require(check.stdout.split(separator: "\n").last.map(String.init))
            #expect(sinkLine.hasPrefix("sink HAProxy Runtime API: failed: answered, but applying"), "\(sinkLine)")
            #expect(sinkLine.contains("discoveryd plan"))
            #expect(try await haproxy.serverStates() == before, "--validate --connect wrote nothing to HAProxy")
        }
    }
}
