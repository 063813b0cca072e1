import DiscoverydTesting
import Foundation
import HAProxySink
import HAProxyTesting
import Testing

/// `--once` when a provider fails after a good start: exit status 1 and nothing written to HAProxy, not even
/// the other provider's news (a plan from part of the fleet would retire the failing provider's servers).
extension DiscoverydEndToEndTests {
    @Test func onceExitsOneAndWritesNothingWhenOneOfTwoProvidersFails() async throws {
        try await Self.withPlanSetup { haproxy, executable, directory, config in
            let first = directory.appendingPathComponent("instances.yaml")
            let second = directory.appendingPathComponent("more.yaml")
            try StaticFleet([("web-1", "127.0.0.91", 8080)]).write(to: first)
            try StaticFleet([("web-2", "127.0.0.92", 8080)]).write(to: second)
            let both = directory.appendingPathComponent("both.yaml")
            try String(contentsOf: config, encoding: .utf8)
                .replacingOccurrences(of: "static:\n  path: instances.yaml", with: "static:\n  - path: instances.yaml\n  - path: more.yaml")
                .write(to: both, atomically: true, encoding: .utf8)
            let good = try await executable.run(["--once", "-c", both.path])
            #expect(good.status == 0, "\(good.stderr)")
            #expect(try await haproxy.activeSlots(backend: Self.planBackend) == ["srv1": "127.0.0.91:8080", "srv2": "127.0.0.92:8080"])

            // The first file gains web-3; the second becomes invalid YAML.
            try StaticFleet([("web-1", "127.0.0.91", 8080), ("web-3", "127.0.0.93", 8080)]).write(to: first)
            try "instances:\n  - id: [web-2\n".write(to: second, atomically: true, encoding: .utf8)
            let before = try await haproxy.serverStates()
            let failed = try await executable.run(["--once", "-c", both.path])
            #expect(failed.status == 1)
            #expect(failed.stderr.contains("more.yaml"), "the error names the failing file: \(failed.stderr)")
            #expect(try await haproxy.serverStates() == before, "nothing was written: no web-3, web-2 kept")
        }
    }
}
