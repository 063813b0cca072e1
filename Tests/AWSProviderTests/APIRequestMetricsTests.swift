import HTTPSupport
import MetricsTestKit
import Synchronization
import Testing

@testable import AWSProvider

/// Every AWS request is counted by outcome under `provider="aws"`, so throttling shows in the metrics even
/// though AWS answers it with HTTP 400 and a code in the body.
@Suite struct AWSAPIRequestMetricsTests {
    @Test func throttledRetriedAndSuccessfulRequestsAreCountedByOutcome() async throws {
        let metrics = TestMetrics()
        let calls = Locked(0)
        let throttled = try QueryClientFailureTests.answer(400, "ec2-RequestLimitExceeded.xml")
        let success = try QueryClientFailureTests.answer(200, "DescribeInstances.xml")
        var client = QueryClient.test(
            ScriptedTransport { _ in
                switch calls.withLock({ $0 += 1; return $0 }) {
                case 1: throttled
                case 2: HTTPResponseData(status: 503)
                default: success
                }
            },
            retry: .recorded(RecordingSleeper())
        )
        client.requests = APIRequestCounter(provider: "aws", factory: metrics)
        _ = try await client.call("DescribeInstances", [])

        func count(_ outcome: String) throws -> Int64 {
            try metrics.expectCounter(APIRequestCounter.label, [("provider", "aws"), ("outcome", outcome)]).totalValue
        }
        #expect(try count("throttled") == 1)
        #expect(try count("server_error") == 1)
        #expect(try count("success") == 1)
    }
}
