import Foundation
import HTTPSupport
import Synchronization
import Testing

@testable import AWSProvider

/// Throttling is retried with capped, jittered backoff; refusals name the call and the IAM action.
@Suite struct QueryClientFailureTests {
    static func answer(_ status: Int, _ file: String) throws -> HTTPResponseData {
        HTTPResponseData(status: status, body: try QueryFixtures.bytes(file))
    }

    @Test func throttlingIsRetriedThenSucceeds() async throws {
        let sleeper = RecordingSleeper()
        let calls = Locked(0)
        let throttled = try Self.answer(400, "ec2-RequestLimitExceeded.xml")
        let success = try Self.answer(200, "DescribeInstances.xml")
        let client = QueryClient.test(
            ScriptedTransport { _ in
                calls.withLock { $0 += 1; return $0 } <= 2 ? throttled : success
            },
            retry: .recorded(sleeper, jitter: 0.5)
        )
        let root = try await client.call("DescribeInstances", [])
        #expect(root.name == "DescribeInstancesResponse")
        #expect(calls.withLock { $0 } == 3)
        // Full jitter of 0.5 s · 2^(n−1): 0.25 s, then 0.5 s.
        #expect(sleeper.delays == [.milliseconds(250), .milliseconds(500)])
    }

    @Test func backoffIsCappedAndAttemptsAreBounded() async throws {
        let sleeper = RecordingSleeper()
        let calls = Locked(0)
        let throttled = try Self.answer(400, "autoscaling-Throttling.xml")
        var policy = AWSRetryPolicy.recorded(sleeper, jitter: 0.999, attempts: 8)
        policy.maximumDelay = .seconds(4)
        let client = QueryClient.test(ScriptedTransport { _ in calls.withLock { $0 += 1 }; return throttled }, service: .autoScaling, retry: policy)
        let error = await #expect(throws: AWSProviderError.self) { try await client.call("DescribeAutoScalingGroups", []) }
        #expect(error?.code == .throttled)
        #expect(error?.awsCode == "Throttling")
        #expect(error?.message.contains("autoscaling DescribeAutoScalingGroups was still throttled after 8 attempts") == true)
        #expect(calls.withLock { $0 } == 8)
        #expect(sleeper.delays.count == 7)
        #expect(sleeper.delays.allSatisfy { $0 <= .seconds(4) })
        #expect(sleeper.delays.last! > .milliseconds(3900))
    }

    @Test func http503WithoutABodyIsRetried() async throws {
        let sleeper = RecordingSleeper()
        let calls = Locked(0)
        let success = try Self.answer(200, "DescribeInstances.xml")
        let client = QueryClient.test(
            ScriptedTransport { _ in
                calls.withLock { $0 += 1; return $0 } == 1 ? HTTPResponseData(status: 503) : success
            },
            retry: .recorded(sleeper)
        )
        _ = try await client.call("DescribeInstances", [])
        #expect(calls.withLock { $0 } == 2)
    }

    @Test func unauthorizedOperationNamesTheIAMAction() async throws {
        let calls = Locked(0)
        let refused = try Self.answer(403, "ec2-UnauthorizedOperation.xml")
        let client = QueryClient.test(ScriptedTransport { _ in calls.withLock { $0 += 1 }; return refused }, retry: .recorded(RecordingSleeper()))
        let error = await #expect(throws: AWSProviderError.self) { try await client.call("DescribeInstances", []) }
        #expect(error?.code == .authorizationFailed)
        #expect(error?.message.contains("ec2 DescribeInstances was refused (UnauthorizedOperation") == true)
        #expect(error?.message.contains("ec2:DescribeInstances") == true)
        #expect(calls.withLock { $0 } == 1, "a refusal is not retried")
    }

    @Test func expiredTokenDropsTheCachedCredentials() async throws {
        let fetches = Locked(0)
        let credentials = RefreshingCredentials {
            fetches.withLock { $0 += 1 }
            return AWSCredentials(accessKeyID: "ASIA", secretAccessKey: "s", sessionToken: "t", expiration: Date().addingTimeInterval(3600))
        }
        let expired = HTTPResponseData(
            status: 400,
            body: Array("<ErrorResponse><Error><Type>Sender</Type><Code>ExpiredToken</Code><Message>The security token included in the request is expired</Message></Error><RequestId>1</RequestId></ErrorResponse>".utf8)
        )
        let client = QueryClient.test(ScriptedTransport { _ in expired }, service: .autoScaling, credentials: credentials)
        let error = await #expect(throws: AWSProviderError.self) { try await client.call("DescribeAutoScalingGroups", []) }
        #expect(error?.code == .authorizationFailed)
        #expect(error?.message.contains("autoscaling:DescribeAutoScalingGroups") == true)
        _ = try await credentials.credentials()
        #expect(fetches.withLock { $0 } == 2, "the expired keys were dropped and fetched again")
    }

    @Test func otherErrorsCarryCodeAndMessage() async throws {
        let body = Array("<Response><Errors><Error><Code>InvalidParameterValue</Code><Message>Value (x) for parameter MaxResults is invalid</Message></Error></Errors><RequestID>r-1</RequestID></Response>".utf8)
        let client = QueryClient.test(ScriptedTransport { _ in HTTPResponseData(status: 400, body: body) })
        let error = await #expect(throws: AWSProviderError.self) { try await client.call("DescribeInstances", []) }
        #expect(error?.code == .serviceError)
        #expect(error?.awsCode == "InvalidParameterValue")
        #expect(error?.description == "aws: ec2 DescribeInstances failed with HTTP 400 (InvalidParameterValue: Value (x) for parameter MaxResults is invalid) (request id r-1)")
    }

    @Test func requestsAreSignedFormPosts() async throws {
        let seen = Locked<HTTPRequestData?>(nil)
        let success = try Self.answer(200, "DescribeInstances.xml")
        let client = QueryClient.test(ScriptedTransport { request in seen.withLock { $0 = request }; return success })
        _ = try await client.call("DescribeInstances", [("MaxResults", "1000"), ("Filter.1.Name", "tag-key"), ("Filter.1.Value.1", "HAProxy:Service:Name")])
        let request = try #require(seen.withLock { $0 })
        #expect(request.method == "POST")
        #expect(request.url == "https://ec2.us-east-1.amazonaws.com")
        #expect(String(decoding: request.body ?? [], as: UTF8.self)
            == "Action=DescribeInstances&Version=2016-11-15&MaxResults=1000&Filter.1.Name=tag-key&Filter.1.Value.1=HAProxy%3AService%3AName")
        let authorization = try #require(request.headers.first { $0.name == "Authorization" }?.value)
        #expect(authorization.contains("/us-east-1/ec2/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature="))
        #expect(request.headers.contains { $0.name == "Host" && $0.value == "ec2.us-east-1.amazonaws.com" })
    }
}
