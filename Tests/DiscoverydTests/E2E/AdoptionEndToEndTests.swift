import DataPlaneTesting
import DiscoverydTesting
import Foundation
import HAProxySink
import Testing

/// Switching from the Python daemon to discoveryd as a user does: the Python daemon's end state in the fake
/// Data Plane API, then `plan`, `adopt --dry-run`, `adopt` and `--once` with the built executable.
@Suite("discoveryd adopt takes over the Python daemon's backends")
struct AdoptionEndToEndTests {
    static let pythonFleet = PythonDaemonEndState.exampleFleet

    @Test(arguments: DataPlaneAPIVersion.allCases)
    func adoptThenOnceMovesAndDrainsNoLiveServer(version: DataPlaneAPIVersion) async throws {
        let binary = try #require(DiscoverydExecutable.locate(), "the discoveryd executable is built with the tests")
        let api = FakeDataPlaneAPI(apiVersion: version)
        let server = try await FakeDataPlaneServer.start(api)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("discoveryd-adopt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        // The Python daemon's end state, plus backends that are not its own.
        api.editOutOfBand { config in
            PythonDaemonEndState.build(Self.pythonFleet, into: &config)
            config[backend: "static-assets"] = .init(fields: ["name": "static-assets", "mode": "http"])
            config[backend: "azure-stats"] = .init(fields: ["name": "azure-stats", "mode": "http"])
        }
        let before = Dictionary(uniqueKeysWithValues: Self.pythonFleet.map { ($0.backend, api.servers(in: $0.backend)) })

        // Since then web-05 was deleted and web-13 created.
        var instances = Self.pythonFleet.flatMap { service in service.instances.map { (service, $0) } }
        instances.removeAll { $0.1.id == "web-05" }
        instances.append((Self.pythonFleet[0], .init(id: "web-13", address: "10.0.1.13", port: 8080)))
        let inventory = directory.appendingPathComponent("instances.yaml")
        try PythonDaemonEndState.inventory(instances).write(to: inventory, atomically: true, encoding: .utf8)

        // The Python daemon's configuration keys, pointed at the fake and a static file instead of Azure.
        let config = directory.appendingPathComponent("config.yaml")
        try """
        static:
          path: \(inventory.path)
        haproxy:
          base_url: \(server.baseURL)
        \(version == .v3 ? "  api_version: v3\n" : "")  username: \(api.username)
          password: "${HAPROXY_DATAPLANE_PASSWORD}"
        """.write(to: config, atomically: true, encoding: .utf8)
        let environment = ["HAPROXY_DATAPLANE_PASSWORD": api.password]
        let start = api.counters

        // plan names the lookalikes and says what to do.
        let plan = try await binary.run(["plan", "-c", config.path], environment: environment)
        #expect(plan.status == 0, "stderr: \(plan.stderr)")
        for backend in Self.pythonFleet.map(\.backend) {
            #expect(plan.stdout.contains("warning: backend \(backend): is named like a discoveryd backend"))
        }
        #expect(plan.stdout.contains("run `discoveryd adopt`"))
        #expect(!plan.stdout.contains("azure-stats:"))

        // --dry-run shows what changes and writes nothing.
        let dryRun = try await binary.run(["adopt", "--dry-run", "-c", config.path], environment: environment)
        #expect(dryRun.status == 0, "stderr: \(dryRun.stderr)")
        #expect(dryRun.stdout.contains("azure-web-8080-westeurope: 12 live servers stay where they are, 1 free slot"))
        #expect(dryRun.stdout.contains("azure-api-9090-westeurope: 3 live servers stay where they are, 7 free slots"))
        #expect(dryRun.stdout.contains(#"description: none -> "managed by discoveryd""#))
        #expect(dryRun.stdout.contains("srv13 (free): check: disabled -> enabled, cookie: none -> srv13, weight: none -> 100"))
        #expect(!dryRun.stdout.contains("static-assets") && !dryRun.stdout.contains("azure-stats"))
        #expect(dryRun.stdout.contains("dry run: nothing was changed"))
        #expect((api.counters - start).writes == 0)

        // adopt: one transaction, one reload; live servers untouched.
        let beforeAdopt = api.counters
        let adopt = try await binary.run(["adopt", "-c", config.path], environment: environment)
        #expect(adopt.status == 0, "stderr: \(adopt.stderr)")
        #expect(adopt.stdout.contains("adopted 2 backends in one transaction (1 reload)"))
        let adoptCost = api.counters - beforeAdopt
        // version, backends, 2 x servers; transaction, 2 backends, 1 + 7 free slots, commit.
        #expect(adoptCost.requests == 16)
        #expect(adoptCost.reloads == 1)
        #expect(adoptCost.commits == 1)
        #expect(api.openTransactions.isEmpty)
        for service in Self.pythonFleet {
            #expect(api.backend(service.backend)?.description == "managed by discoveryd")
            let live = { (servers: [DataPlaneServer]) in servers.filter { !$0.isInMaintenance } }
            #expect(live(api.servers(in: service.backend)) == live(before[service.backend] ?? []))
        }
        #expect(api.backend("static-assets")?.fields == ["name": "static-assets", "mode": "http"])
        #expect(api.backend("azure-stats")?.description == nil)

        // The first cycle: every live server whose instance still exists stays in its slot, serving.
        let beforeOnce = api.counters
        let writesBeforeOnce = api.writes.count
        let once = try await binary.run(["--once", "-c", config.path], environment: environment)
        #expect(once.status == 0, "stderr: \(once.stderr)")
        let onceCost = api.counters - beforeOnce
        // The mass-drain guard first reads what HAProxy serves (version, backends, 2 x servers); then the
        // apply: version, backends, 2 x servers; 11 + 3 live servers to weight 100, srv5 freed from web-05
        // and filled with web-13: 15 runtime PUTs.
        // v3 (3.4) reads backends with their servers in one request (after asking /info once): 3 + 17.
        #expect(onceCost.requests == (version == .v3 ? 3 + 17 : 4 + 19))
        #expect(onceCost.reloads == 0)
        #expect(onceCost.commits == 0)
        #expect(onceCost.runtimeChanges == 15)
        #expect(api.writes.dropFirst(writesBeforeOnce).allSatisfy { $0.effect == .runtime })
        #expect(once.stdout.contains("haproxy-dataplane: \(version == .v3 ? 17 : 19) requests, 15 servers changed, 0 reloads"))

        // Logs (json by default, as in the Python daemon) carry its fields, logger names and events.
        let lines = try jsonLogLines(once.stderr)
        let cycle = try #require(lines.first { $0["message"] as? String == "Cycle complete" })
        #expect(cycle["logger"] as? String == "haproxy_cloud_discovery.daemon")
        #expect(cycle["level"] as? String == "INFO")
        #expect(cycle["elapsed_seconds"] is Double || cycle["elapsed_seconds"] is Int)
        // The per-provider "Discovery complete" is a debug line; the cycle's line carries the instance count.
        #expect(cycle["total_instances"] as? Int == 15)
        #expect(!lines.contains { $0["message"] as? String == "Discovery complete" })
        let reconciling = try #require(lines.first { ($0["message"] as? String)?.hasPrefix("Reconciling service web") == true })
        #expect(reconciling["message"] as? String == "Reconciling service web (12 instances) -> backend azure-web-8080-westeurope")
        #expect(reconciling["logger"] as? String == "haproxy_cloud_discovery.haproxy.reconciler")
        #expect(reconciling["service"] as? String == "web" && reconciling["backend"] as? String == "azure-web-8080-westeurope")
        let committing = try #require(try jsonLogLines(adopt.stderr).first { ($0["message"] as? String)?.hasPrefix("Committing transaction") == true })
        #expect(committing["transaction_id"] is String)

        var moved: [String] = []
        var drained: [String] = []
        let surviving = Set(instances.map(\.1.id))
        for service in Self.pythonFleet {
            let now = Dictionary(uniqueKeysWithValues: api.servers(in: service.backend).map { ($0.name, $0) })
            for (slot, instance) in zip(PythonDaemonEndState.slotNames(service.instances.count), service.sortedInstances)
            where surviving.contains(instance.id) {
                guard let server = now[slot], server.address == instance.address, server.port == instance.port else {
                    moved.append("\(instance.id) left \(service.backend)/\(slot)")
                    continue
                }
                if server.isInMaintenance || server.weight == 0 { drained.append("\(instance.id) in \(slot)") }
            }
        }
        #expect(moved.isEmpty)
        #expect(drained.isEmpty)
        // The deleted instance's slot was freed and the new instance took the lowest free slot: srv5.
        let web = api.servers(in: "azure-web-8080-westeurope")
        #expect(web.count == 13)
        #expect(web.first { $0.name == "srv5" }?.address == "10.0.1.13")
        #expect(!web.contains { $0.address == "10.0.1.5" })

        // Settled: a second run writes nothing, and adopting again finds nothing.
        let settled = api.counters
        let again = try await binary.run(["--once", "-c", config.path], environment: environment)
        #expect(again.status == 0, "stderr: \(again.stderr)")
        #expect((api.counters - settled).writes == 0)
        let adoptAgain = try await binary.run(["adopt", "-c", config.path], environment: environment)
        #expect(adoptAgain.status == 0, "stderr: \(adoptAgain.stderr)")
        #expect(adoptAgain.stdout.hasPrefix("nothing to adopt"))
        #expect((api.counters - settled).writes == 0)
        #expect(!adopt.stderr.contains(api.password) && !once.stderr.contains(api.password))
        try await server.shutdown()
    }
}

/// Every line of `text` as a JSON log object with the Python daemon's fixed fields; throws on any other line.
func jsonLogLines(_ text: String) throws -> [[String: Any]] {
    let levels: Set<String> = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
    let timestamp = #/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$/#
    return try text.split(separator: "\n").map { line in
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
        let time = try #require(object["timestamp"] as? String, "\(line)")
        #expect(time.wholeMatch(of: timestamp) != nil, "\(time)")
        #expect(levels.contains(object["level"] as? String ?? ""), "\(line)")
        #expect(object["logger"] is String && object["message"] is String, "\(line)")
        return object
    }
}
