import AzureProviderTesting
import DataPlaneTesting
import DiscoverydTesting
import Foundation
import HAProxySink
import Synchronization
import Testing

/// `discoveryd --once` with an `azure:` and a `haproxy:` section, as a user runs it: the built executable,
/// the fake Azure (ARM + Entra token endpoint over HTTPS, trusted through `azure.ca_file`) and the fake
/// Data Plane API.
@Suite("discoveryd --once: fake Azure → fake Data Plane API")
struct DiscoverydOnceAzureEndToEndTests {
    /// The fake Azure with `fleet` (over HTTPS), the fake Data Plane API (v3), and a configuration for both;
    /// `body` gets them with the environment that holds the two secrets.
    static func withAzureAndDataPlane(
        _ fleet: FakeFleet,
        _ body: (_ azure: FakeAzure, _ api: FakeDataPlaneAPI, _ config: URL, _ environment: [String: String]) async throws -> Void
    ) async throws {
        let azure = FakeAzure(fleet: fleet)
        try await azure.start(tls: true)
        let api = FakeDataPlaneAPI(apiVersion: .v3)
        let server = try await FakeDataPlaneServer.start(api)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("discoveryd-azure-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let config = directory.appendingPathComponent("config.yaml")
        try (azure.discoverydConfigurationSection(clientSecretVariable: "AZURE_CLIENT_SECRET")
            + server.discoverydConfigurationSection(namePrefix: "azure") + "logging:\n  level: debug\n")
            .write(to: config, atomically: true, encoding: .utf8)
        let secret = azure.state.withLock { $0.acceptedSecret }
        let environment = ["AZURE_CLIENT_SECRET": secret, "DATAPLANE_PASSWORD": api.password]
        do {
            try await body(azure, api, config, environment)
        } catch {
            try await server.shutdown()
            await azure.stop()
            throw error
        }
        try await server.shutdown()
        await azure.stop()
    }

    @Test func onceSyncsAzureMachinesIntoHAProxy() async throws {
        let binary = try #require(DiscoverydExecutable.locate(), "the discoveryd executable is built with the tests")
        var fleet = FakeFleet.standard(standalone: 3, uniform: 1, perScaleSet: 2, flexibleMembers: 1)
        fleet.machines[1].powerState = "deallocated"
        try await Self.withAzureAndDataPlane(fleet) { azure, api, config, environment in
            let secret = environment["AZURE_CLIENT_SECRET"] ?? ""
            let result = try await binary.run(["--once", "-c", config.path], environment: environment)
            #expect(result.status == 0, "stderr: \(result.stderr)")
            #expect(!result.stderr.contains(secret) && !result.stdout.contains(secret))
            #expect(!result.stderr.contains(api.password))

            // Running machines of every kind are servers; the deallocated VM is not.
            let web = api.servers(in: "azure-web-80-westeurope").filter { !$0.isInMaintenance }
            #expect(Set(web.map(\.address)) == ["10.1.0.4", "10.1.0.6", "10.10.0.4", "10.10.0.5", "10.9.0.4"])
            #expect(api.counters.commits == 1)

            // One cycle cost 4 subscription lists + 2 for the tagged Uniform scale set, and one token.
            #expect(azure.armRequestCount == 6)
            #expect(azure.tokenRequestCount == 1)
        }
    }
}
