import AsyncHTTPClient
import AzureProviderTesting
import Foundation
import HTTPSupport
import Logging
import Synchronization
import Testing

@testable import AzureProvider

/// The official ARM example payloads copied into `Fixtures/azure/`.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/azure")

    /// `responses["200"].body` of an `x-ms-examples` file, re-encoded for the decoders.
    static func responseBody(_ name: String, status: String = "200") throws -> Data {
        let data = try Data(contentsOf: root.appendingPathComponent(name))
        let example = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let responses = try #require(example["responses"] as? [String: Any])
        let response = try #require(responses[status] as? [String: Any])
        let body = try #require(response["body"])
        return try JSONSerialization.data(withJSONObject: body)
    }

    static func decode<T: Decodable>(_ type: T.Type, from name: String, status: String = "200") throws -> T {
        try JSONDecoder().decode(T.self, from: responseBody(name, status: status))
    }
}

/// Records the delays retries asked for instead of sleeping.
final class RecordingSleeper: Sendable {
    private let recorded = Mutex<[Duration]>([])
    var delays: [Duration] { recorded.withLock { $0 } }

    var sleep: @Sendable (Duration) async throws -> Void {
        { [self] delay in self.recorded.withLock { $0.append(delay) } }
    }
}

/// A clock tests move by hand; it starts at the real time because the fake IMDS answers with an
/// absolute `expires_on`.
final class ManualClock: Sendable {
    private let current = Mutex(Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down)))
    var now: Date { current.withLock { $0 } }
    func advance(by seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
    var reader: @Sendable () -> Date { { [self] in self.now } }
}

extension RetryPolicy {
    /// Deterministic: no jitter, recorded sleeps.
    static func recorded(_ sleeper: RecordingSleeper, base: RetryPolicy = .arm) -> RetryPolicy {
        var policy = base
        policy.sleep = sleeper.sleep
        policy.jitter = { 1.0 }
        return policy
    }
}

extension FakeAzure {
    /// Runs `body` against a started fake and stops it afterwards.
    static func with<T>(
        _ fleet: FakeFleet = FakeFleet(),
        tls: Bool = false,
        _ body: (FakeAzure) async throws -> T
    ) async throws -> T {
        let fake = FakeAzure(fleet: fleet)
        try await fake.start(tls: tls)
        do {
            let result = try await body(fake)
            await fake.stop()
            return result
        } catch {
            await fake.stop()
            throw error
        }
    }

    /// Client-secret configuration whose cloud (ARM and authority) is this fake.
    func configuration(
        address: AzureProviderConfiguration.AddressPreference = .private,
        resourceGroups: [String] = [],
        sleeper: RecordingSleeper = RecordingSleeper()
    ) throws -> AzureProviderConfiguration {
        AzureProviderConfiguration(
            subscriptionIDs: [state.withLock { $0.fleet.subscriptionID }],
            resourceGroups: resourceGroups,
            credentialKind: .clientSecret,
            tenantID: "contoso.onmicrosoft.com",
            clientID: "11111111-2222-3333-4444-555555555555",
            clientSecret: state.withLock { $0.acceptedSecret },
            cloud: try .custom(resourceManager: baseURL, authorityHost: baseURL),
            address: address,
            retry: .recorded(sleeper),
            managedIdentityRetry: .recorded(sleeper, base: .managedIdentity),
            environment: [:],
            instanceMetadataEndpoint: URL(string: baseURL)!
        )
    }

    func provider(
        address: AzureProviderConfiguration.AddressPreference = .private,
        resourceGroups: [String] = [],
        sleeper: RecordingSleeper = RecordingSleeper()
    ) throws -> AzureProvider {
        try #require(
            try AzureProvider.make(
                configuration(address: address, resourceGroups: resourceGroups, sleeper: sleeper),
                transport: AsyncHTTPTransport(client: .shared)
            ).first
        )
    }
}
