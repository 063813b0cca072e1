import DataPlaneTesting
import DiscoverydTesting
import Foundation
import HAProxySink
import Testing

/// `discoveryd --once` and `discoveryd plan` as a user runs them: the built executable, the demo's static
/// fixture, and the fake Data Plane API started here.
@Suite("discoveryd --once against the fake Data Plane API")
struct DiscoverydOnceEndToEndTests {
    @Test(arguments: DataPlaneAPIVersion.allCases)
    func onceSyncsTheStaticFixtureAndASecondRunWritesNothing(version: DataPlaneAPIVersion) async throws {
        let binary = try #require(DiscoverydExecutable.locate(), "the discoveryd executable is built with the tests")
        let api = FakeDataPlaneAPI(apiVersion: version)
        let server = try await FakeDataPlaneServer.start(api)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("discoveryd-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("config.yaml")
        let fixture = DiscoverydExecutable.repositoryRoot.appendingPathComponent("Fixtures/demo/instances.yaml").path
        try ("static:\n  path: \(fixture)\n" + server.discoverydConfigurationSection(namePrefix: "demo")
            + "logging:\n  level: info\n").write(to: config, atomically: true, encoding: .utf8)
        let environment = ["DATAPLANE_PASSWORD": api.password]

        let first = try await binary.run(["--once", "-c", config.path], environment: environment)
        #expect(first.status == 0, "stderr: \(first.stderr)")
        #expect(!first.stderr.contains(api.password))
        // v2: version, backends, start, 2 backends, 20 servers, commit. v3 (3.4): each backend with its servers
        // in one request (the mass-drain guard's read before it asked /info).
        #expect(first.stdout.contains("haproxy-dataplane: \(version == .v3 ? 6 : 26) requests, 20 servers changed, 1 reloads"))
        let afterFirst = api.counters
        #expect(afterFirst.commits == 1)
        #expect(afterFirst.reloads == 1)
        #expect(api.openTransactions.isEmpty)
        let web = api.servers(in: "demo-web-8080-local")
        #expect(web.count == 10)
        #expect(Set(web.filter { !$0.isInMaintenance }.map(\.address)) == ["127.0.0.11", "127.0.0.12", "127.0.0.13"])
        let apiServers = api.servers(in: "demo-api-9090-local").filter { !$0.isInMaintenance }
        #expect(Set(apiServers.map { "\($0.address):\($0.port ?? 0)" }) == ["127.0.0.21:9090", "127.0.0.22:9091"])

        // A new process (no cache) reads HAProxy back and finds nothing to do.
        let second = try await binary.run(["--once", "-c", config.path], environment: environment)
        #expect(second.status == 0, "stderr: \(second.stderr)")
        let cost = api.counters - afterFirst
        #expect(cost.writes == 0)
        #expect(second.stdout.contains("0 servers changed, 0 reloads"))
        #expect(cost.reloads == 0)

        let plan = try await binary.run(["plan", "-c", config.path], environment: environment)
        #expect(plan.status == 0, "stderr: \(plan.stderr)")
        #expect(plan.stdout.contains("no changes"))
        #expect((api.counters - afterFirst).writes == 0)
        try await server.shutdown()
    }
}
