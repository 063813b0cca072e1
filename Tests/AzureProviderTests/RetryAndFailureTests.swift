import AsyncHTTPClient
import AzureProviderTesting
import Foundation
import HTTPSupport
import ProviderKit
import Synchronization
import Testing

@testable import AzureProvider

/// Throttling, failing pages and the all-or-nothing rule.
@Suite struct RetryAndFailureTests {
    @Test func retryAfterOn429IsHonoured() async throws {
        let fleet = FakeFleet.standard(standalone: 3, uniform: 1, perScaleSet: 2, flexibleMembers: 0)
        try await FakeAzure.with(fleet) { fake in
            fake.state.withLock {
                $0.throttles[.networkInterfaces] = (2, [("Retry-After", "17")])
                $0.throttles[.scaleSetInstances] = (1, [("retry-after-ms", "250"), ("Retry-After", "9")])
            }
            let sleeper = RecordingSleeper()
            let instances = try await fake.provider(sleeper: sleeper).fetchInstances()
            #expect(instances.count == 5)
            #expect(fake.count(.networkInterfaces) == 3)
            #expect(fake.count(.scaleSetInstances) == 2)
            // The server's delays, not the computed backoff; `retry-after-ms` wins over `Retry-After`.
            #expect(sleeper.delays.sorted() == [.milliseconds(250), .seconds(17), .seconds(17)])
        }
    }

    @Test func aFailingPageFailsTheRefreshAndTheLastGoodStateStands() async throws {
        let fleet = FakeFleet.standard(standalone: 30, uniform: 1, perScaleSet: 5, flexibleMembers: 0)
        try await FakeAzure.with(fleet) { fake in
            fake.state.withLock { $0.pageSize = 10 }
            let sleeper = RecordingSleeper()
            let provider = try fake.provider(sleeper: sleeper)
            let lastGood = try await provider.fetchInstances()
            #expect(lastGood.count == 35)

            // The NIC list's second page keeps failing: the refresh throws instead of returning the
            // machines of the pages that worked.
            fake.state.withLock { $0.failures[.networkInterfaces] = (page: 1, status: 500) }
            fake.resetCounts()
            var published = lastGood
            let error = await #expect(throws: AzureProviderError.self) {
                published = try await provider.fetchInstances()
            }
            #expect(error?.code == .unexpectedStatus)
            #expect(error?.status == 500)
            #expect(error?.message.contains("providers/Microsoft.Network/networkInterfaces answered HTTP 500: InternalServerError") == true)
            #expect(published == lastGood)
            // 1 + 3 retries of the failing page, after the first page.
            #expect(fake.count(.networkInterfaces) == 1 + 4)
            #expect(sleeper.delays.count == 3)

            fake.state.withLock { $0.failures = [:] }
            #expect(try await provider.fetchInstances().count == 35)
        }
    }

    @Test func aFailingUniformScaleSetListFailsTheRefresh() async throws {
        let fleet = FakeFleet.standard(standalone: 2, uniform: 3, perScaleSet: 2, flexibleMembers: 0)
        try await FakeAzure.with(fleet) { fake in
            fake.state.withLock { $0.failures[.scaleSetNetworkInterfaces] = (page: 0, status: 403) }
            await #expect(throws: AzureProviderError.self) {
                _ = try await fake.provider().fetchInstances()
            }
        }
    }

    @Test func aNextLinkToAnotherHostIsNotFollowed() async throws {
        let transport = ScriptedTransport { request in
            if request.url.contains("oauth2") {
                return HTTPResponseData(status: 200, body: Array(#"{"access_token": "t", "expires_in": 3600}"#.utf8))
            }
            return HTTPResponseData(status: 200, body: Array(#"{"value": [], "nextLink": "https://evil.example.com/steal?api-version=1"}"#.utf8))
        }
        let configuration = AzureProviderConfiguration(
            subscriptionIDs: ["sub"], credentialKind: .clientSecret, tenantID: "t", clientID: "c", clientSecret: "s",
            environment: [:]
        )
        let provider = try #require(try AzureProvider.make(configuration, transport: transport).first)
        let error = await #expect(throws: AzureProviderError.self) { _ = try await provider.fetchInstances() }
        #expect(error?.code == .invalidPaging)
        #expect(!transport.urls.contains { $0.contains("evil.example.com") })
    }
}

/// A transport answering from a closure, recording the URLs asked for.
final class ScriptedTransport: HTTPTransport {
    private let answer: @Sendable (HTTPRequestData) -> HTTPResponseData
    private let recorded = Mutex<[String]>([])
    var urls: [String] { recorded.withLock { $0 } }

    init(_ answer: @escaping @Sendable (HTTPRequestData) -> HTTPResponseData) {
        self.answer = answer
    }

    func send(_ request: HTTPRequestData, timeout: Duration) async throws -> HTTPResponseData {
        recorded.withLock { $0.append(request.url) }
        return answer(request)
    }
}

@Suite struct ResourceGroupPermissionTests {
    @Test func aForbiddenStatusListExplainsTheSubscriptionWidePermission() async throws {
        let fleet = FakeFleet.standard(standalone: 2, uniform: 0, perScaleSet: 0, flexibleMembers: 0)
        try await FakeAzure.with(fleet) { fake in
            fake.state.withLock { $0.failures[.virtualMachineStatuses] = (page: 0, status: 403) }
            let error = await #expect(throws: AzureProviderError.self) {
                _ = try await fake.provider(resourceGroups: ["rg-vms"]).fetchInstances()
            }
            #expect(error?.status == 403)
            #expect(error?.message.contains("Microsoft.Compute/virtualMachines/read on the subscription") == true)
        }
    }
}

@Suite struct RefusedTokenTests {
    @Test func aRefusedTokenFailsTheCycleAndTheNextCycleFetchesANewOne() async throws {
        let fleet = FakeFleet.standard(standalone: 2, uniform: 0, perScaleSet: 0, flexibleMembers: 0)
        try await FakeAzure.with(fleet) { fake in
            let provider = try fake.provider()
            _ = try await provider.fetchInstances()
            #expect(fake.tokenRequestCount == 1)

            fake.state.withLock { $0.issuedTokens.removeAll() }
            let error = await #expect(throws: AzureProviderError.self) { _ = try await provider.fetchInstances() }
            #expect(error?.status == 401)
            #expect(error?.message.contains("AuthenticationFailed") == true)

            #expect(try await provider.fetchInstances().count == 2)
            #expect(fake.tokenRequestCount == 2)
        }
    }
}
