import AzureProviderTesting
import DiscoverydTesting
import Foundation
import Synchronization
import Testing

@testable import AzureProvider

/// `discoveryd` itself, run as a user would, against the fake Azure (HTTPS, trusted through
/// `azure.ca_file`): configuration → wiring → Azure discovery → output.
@Suite struct EndToEndTests {
    static let secret = "s3cr3t-value"

    static func writeConfiguration(for fake: FakeAzure, dataPlane: String = "http://127.0.0.1:9") throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("discoveryd-azure-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let yaml = fake.discoverydConfigurationSection(clientSecretVariable: "TEST_AZURE_CLIENT_SECRET") + """
            haproxy:
              base_url: \(dataPlane)
              username: admin
              password: not-used-offline
              backend:
                name_prefix: azure
            logging:
              level: debug
            """
        let file = directory.appendingPathComponent("config.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test func planOfflineDiscoversTheFleetThroughTheDaemon() async throws {
        let binary = try #require(DiscoverydExecutable.locate(), "discoveryd is not built; run swift build first")
        var fleet = FakeFleet.standard(standalone: 3, uniform: 1, perScaleSet: 2, flexibleMembers: 1)
        fleet.machines[1].powerState = "deallocated"
        try await FakeAzure.with(fleet, tls: true) { fake in
            let config = try Self.writeConfiguration(for: fake)
            defer { try? FileManager.default.removeItem(at: config.deletingLastPathComponent()) }
            let result = try await binary.run(
                ["plan", "--offline", "--format", "json", "-c", config.path],
                environment: ["TEST_AZURE_CLIENT_SECRET": Self.secret]
            )
            #expect(result.status == 0, "stderr: \(result.stderr)")
            let served = ["10.1.0.4", "10.1.0.6", "10.10.0.4", "10.10.0.5", "10.9.0.4"]
            for address in served {
                #expect(result.stdout.contains("\"\(address)\""), "\(address) missing from the plan")
            }
            #expect(!result.stdout.contains("\"10.1.0.5\""), "the deallocated VM must not be planned")
            // 4 subscription lists + 2 for the tagged Uniform scale set; one token.
            #expect(fake.armRequestCount == 6)
            #expect(fake.tokenRequestCount == 1)
            #expect(!result.stderr.contains(Self.secret))
        }
    }

    @Test func planOfflineNeedsNoHAProxySection() async throws {
        let binary = try #require(DiscoverydExecutable.locate(), "discoveryd is not built; run swift build first")
        let fleet = FakeFleet.standard(standalone: 2, uniform: 0, perScaleSet: 0, flexibleMembers: 0)
        try await FakeAzure.with(fleet, tls: true) { fake in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("discoveryd-azure-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let config = directory.appendingPathComponent("config.yaml")
            try fake.discoverydConfigurationSection(clientSecretVariable: "TEST_AZURE_CLIENT_SECRET")
                .write(to: config, atomically: true, encoding: .utf8)

            let result = try await binary.run(
                ["plan", "--offline", "-c", config.path],
                environment: ["TEST_AZURE_CLIENT_SECRET": Self.secret]
            )
            #expect(result.status == 0, "stderr: \(result.stderr)")
            #expect(result.stdout.hasPrefix("plan against an empty HAProxy (offline):"))
            #expect(fake.tokenRequestCount == 1)
            #expect(!result.stderr.contains(Self.secret))
        }
    }
}
