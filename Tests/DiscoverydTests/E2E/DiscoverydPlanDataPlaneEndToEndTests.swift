import DataPlaneTesting
import DiscoverydTesting
import Foundation
import HAProxySink
import Testing

extension DiscoverydOnceEndToEndTests {
    /// `plan` against the (fake) Data Plane API after the fleet changed: it names each change, leaves the
    /// configuration version alone, and `--once` then does exactly what it said.
    @Test func planAgainstTheDataPlaneAPINamesEachChangeWritesNothingAndOnceDoesExactlyThat() async throws {
        let binary = try #require(DiscoverydExecutable.locate(), "the discoveryd executable is built with the tests")
        let api = FakeDataPlaneAPI(apiVersion: .v3)
        let server = try await FakeDataPlaneServer.start(api)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("discoveryd-dp-plan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let instances = directory.appendingPathComponent("instances.yaml")
        let config = directory.appendingPathComponent("config.yaml")
        try ("static:\n  path: instances.yaml\n" + server.discoverydConfigurationSection(namePrefix: "e2e"))
            .write(to: config, atomically: true, encoding: .utf8)
        let environment = ["DATAPLANE_PASSWORD": api.password]
        let backend = "e2e-web-8080-lab"
        let active = {
            Dictionary(
                uniqueKeysWithValues: api.servers(in: backend).filter { !$0.isInMaintenance }
                    .map { ($0.name, "\($0.address):\($0.port ?? 0)") }
            )
        }

        try StaticFleet((1...5).map { ("web-\($0)", "10.0.0.\($0)", 8080) }).write(to: instances)
        let first = try await binary.run(["--once", "-c", config.path], environment: environment)
        #expect(first.status == 0, "stderr: \(first.stderr)")
        let applied = active()
        #expect(applied == Dictionary(uniqueKeysWithValues: (1...5).map { ("srv\($0)", "10.0.0.\($0):8080") }))

        // web-2 leaves, web-6 joins, web-1 changes its address (2 of 5: within the mass-drain guard's 0.5).
        try StaticFleet([("web-1", "10.0.0.11", 8080)] + (3...6).map { ("web-\($0)", "10.0.0.\($0)", 8080) })
            .write(to: instances)
        let version = api.version
        let counters = api.counters
        let table = try await binary.run(["plan", "-c", config.path], environment: environment)
        let json = try await binary.run(["plan", "--format", "json", "-c", config.path], environment: environment)
        #expect(table.status == 0, "stderr: \(table.stderr)")
        #expect(json.status == 0, "stderr: \(json.stderr)")
        #expect(api.version == version, "plan left the configuration version alone")
        #expect((api.counters - counters).writes == 0)
        #expect(api.openTransactions.isEmpty)

        let changeLines = table.stdout.split(separator: "\n").filter { $0.hasPrefix("  srv") }.map(String.init)
        #expect(
            changeLines == [
                "  srv1: 10.0.0.1:8080 → web-1 10.0.0.11:8080",
                "  srv2: 10.0.0.2:8080 → web-6 10.0.0.6:8080",
            ],
            "\(table.stdout)"
        )
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(document["sink"] as? String == "haproxy-dataplane")
        #expect(document["apply_would_fail"] as? Bool == false)
        let predicted = try slotsAfter(plan: json.stdout, backend: backend, before: applied)

        let once = try await binary.run(["--once", "-c", config.path], environment: environment)
        #expect(once.status == 0, "stderr: \(once.stderr)")
        #expect(active() == predicted, "--once did what plan said")
        #expect(predicted.count == 5 && Set(predicted.values).contains("10.0.0.11:8080"))
        #expect(!predicted.values.contains("10.0.0.2:8080"), "web-2 is out")
        try await server.shutdown()
    }
}
