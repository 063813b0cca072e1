import HTTPSupport
import Logging
import MetricsTestKit
import Synchronization
import Testing

@testable import AzureProvider

/// Every request to Azure is counted by outcome, so that ARM throttling shows in the metrics.
@Suite struct APIRequestMetricsTests {
    /// Answers with the scripted statuses in order, then 200.
    final class ScriptedTransport: HTTPTransport {
        let statuses: Mutex<[Int]>
        init(_ statuses: [Int]) { self.statuses = Mutex(statuses) }

        func send(_ request: HTTPRequestData, timeout: Duration) async throws -> HTTPResponseData {
            let status = statuses.withLock { $0.isEmpty ? 200 : $0.removeFirst() }
            return HTTPResponseData(status: status)
        }
    }

    @Test func throttledRetriedAndFailedRequestsAreCountedByOutcome() async throws {
        let metrics = TestMetrics()
        let sender = RetryingSender(
            transport: ScriptedTransport([429, 429, 503, 200, 403]),
            policy: RetryPolicy(sleep: { _ in }),
            timeout: .seconds(5),
            client: "azure",
            logger: Logger(label: "test"),
            requests: APIRequestCounter(provider: "azure", factory: metrics)
        )
        let request = HTTPRequestData(url: "https://management.azure.com/subscriptions")
        #expect(try await sender.send { request }.status == 200)
        #expect(try await sender.send { request }.status == 403)

        func count(_ outcome: String) throws -> Int64 {
            try metrics.expectCounter(APIRequestCounter.label, [("provider", "azure"), ("outcome", outcome)]).totalValue
        }
        #expect(try count("throttled") == 2)
        #expect(try count("server_error") == 1)
        #expect(try count("success") == 1)
        #expect(try count("client_error") == 1)
    }
}
