import AzureProviderTesting
import DataPlaneTesting
import DiscoverydTesting
import Foundation
import HAProxySink
import Synchronization
import Testing

extension DiscoverydOnceAzureEndToEndTests {
    /// Azure answers HTTP 500 after a good run, while a machine was deallocated meanwhile: `--once` exits 1 and
    /// the Data Plane API sees no write (the deallocated machine's server stays until Azure answers again).
    @Test func onceExitsOneAndWritesNothingWhenAzureAnswers500() async throws {
        let binary = try #require(DiscoverydExecutable.locate(), "the discoveryd executable is built with the tests")
        let azure = FakeAzure(fleet: FakeFleet.standard(standalone: 3, uniform: 0, perScaleSet: 0, flexibleMembers: 0))
        try await azure.start(tls: true)
        let api = FakeDataPlaneAPI(apiVersion: .v3)
        let server = try await FakeDataPlaneServer.start(api)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("discoveryd-azure-500-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("config.yaml")
        try (azure.discoverydConfigurationSection(clientSecretVariable: "AZURE_CLIENT_SECRET") + """
        haproxy:
          base_url: \(server.baseURL)
          api_version: v3
          username: \(api.username)
          password: ${DATAPLANE_PASSWORD}
        """).write(to: config, atomically: true, encoding: .utf8)
        let environment = ["AZURE_CLIENT_SECRET": azure.state.withLock { $0.acceptedSecret }, "DATAPLANE_PASSWORD": api.password]

        let good = try await binary.run(["--once", "-c", config.path], environment: environment)
        #expect(good.status == 0, "stderr: \(good.stderr)")
        let afterGood = api.counters
        let version = api.version
        #expect(afterGood.writes > 0)

        azure.state.withLock { state in
            state.fleet.machines[0].powerState = "deallocated"
            state.failures[.networkInterfaces] = (page: 0, status: 500)
        }
        let failed = try await binary.run(["--once", "-c", config.path], environment: environment)
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("500"), "stderr: \(failed.stderr)")
        #expect((api.counters - afterGood).writes == 0, "nothing written to HAProxy")
        #expect(api.version == version)

        try await server.shutdown()
        await azure.stop()
    }
}
