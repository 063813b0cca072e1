import Foundation
import HTTPSupport
import Testing

/// When a request is retried and after how long: the server's word first, else capped, jittered backoff.
@Suite struct RetryPolicyTests {
    @Test func retryAfterAsHTTPDate() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let response = HTTPResponseData(status: 429, headers: [("Retry-After", "Fri, 15 Jan 2027 08:00:30 GMT")])
        let date = HTTPDate.parse("Fri, 15 Jan 2027 08:00:00 GMT")!
        #expect(RetryPolicy.serverDelay(in: response, now: date) == .seconds(30))
        #expect(RetryPolicy.serverDelay(in: HTTPResponseData(status: 429, headers: [("x-ms-retry-after-ms", "1500")]), now: now) == .milliseconds(1500))
    }

    @Test func retryAfterInSecondsAndRetryAfterMillisecondsWinsOverIt() {
        let now = Date()
        #expect(RetryPolicy.serverDelay(in: HTTPResponseData(status: 503, headers: [("retry-after", "2.5")]), now: now) == .milliseconds(2500))
        let both = HTTPResponseData(status: 429, headers: [("Retry-After", "9"), ("retry-after-ms", "250")])
        #expect(RetryPolicy.serverDelay(in: both, now: now) == .milliseconds(250))
        #expect(RetryPolicy.serverDelay(in: HTTPResponseData(status: 429, headers: [("Retry-After", "soon")]), now: now) == nil)
        // A date in the past means "now".
        let past = HTTPResponseData(status: 429, headers: [("Retry-After", "Fri, 15 Jan 2027 08:00:00 GMT")])
        #expect(RetryPolicy.serverDelay(in: past, now: HTTPDate.parse("Fri, 15 Jan 2027 09:00:00 GMT")!) == .zero)
    }

    @Test func backoffIsExponentialCappedAndEndsWhenTheServerAsksForTooLong() {
        var policy = RetryPolicy()
        policy.jitter = { 1.0 }
        let busy = HTTPResponseData(status: 503)
        #expect(policy.delay(beforeRetry: 1, after: busy) == .milliseconds(800))
        #expect(policy.delay(beforeRetry: 2, after: busy) == .milliseconds(2400))
        #expect(policy.delay(beforeRetry: 3, after: busy) == .milliseconds(5600))
        #expect(policy.delay(beforeRetry: 4, after: busy) == nil)
        #expect(policy.delay(beforeRetry: 1, after: HTTPResponseData(status: 404)) == nil)
        #expect(policy.delay(beforeRetry: 1, after: nil) == .milliseconds(800))
        // A server delay beyond the cap: stop and let the loop back off.
        #expect(policy.delay(beforeRetry: 1, after: HTTPResponseData(status: 429, headers: [("Retry-After", "600")])) == nil)
        var jittered = policy
        jittered.jitter = { 1.29 }
        jittered.maximumDelay = .seconds(5)
        #expect(jittered.delay(beforeRetry: 3, after: busy) == .seconds(5))
        var noTransportRetries = policy
        noTransportRetries.retriesTransportErrors = false
        #expect(noTransportRetries.delay(beforeRetry: 1, after: nil) == nil)
    }

    /// Azure Resource Graph: a 429 whose quota header says when the window resets.
    @Test func aThrottlingHookCanNameTheDelayFromItsOwnHeader() {
        var policy = RetryPolicy()
        policy.jitter = { 1.0 }
        policy.throttling = { response, _ in
            // `x-ms-user-quota-resets-after: hh:mm:ss`
            guard let text = response.header("x-ms-user-quota-resets-after") else { return nil }
            let parts = text.split(separator: ":").compactMap { Int64($0) }
            guard parts.count == 3 else { return nil }
            return ThrottlingHint(delay: .seconds(parts[0] * 3600 + parts[1] * 60 + parts[2]))
        }
        let throttled = HTTPResponseData(status: 429, headers: [("x-ms-user-quota-resets-after", "00:00:07"), ("Retry-After", "1")])
        #expect(policy.delay(beforeRetry: 1, after: throttled) == .seconds(7))
        // Without the header the standard headers decide.
        #expect(policy.delay(beforeRetry: 1, after: HTTPResponseData(status: 429, headers: [("Retry-After", "1")])) == .seconds(1))
        // The hook's delay obeys the cap too.
        let tooLong = HTTPResponseData(status: 429, headers: [("x-ms-user-quota-resets-after", "01:00:00")])
        #expect(policy.delay(beforeRetry: 1, after: tooLong) == nil)
    }

    /// AWS: throttling is a 400 whose XML body carries `<Code>Throttling</Code>` or `RequestLimitExceeded`.
    @Test func aThrottlingHookCanMakeAnOtherwiseFinalStatusRetryable() {
        var policy = RetryPolicy()
        policy.jitter = { 1.0 }
        policy.throttling = { response, _ in
            let body = String(decoding: response.body, as: UTF8.self)
            let throttled = ["Throttling", "RequestLimitExceeded"].contains { body.contains("<Code>\($0)</Code>") }
            return throttled ? ThrottlingHint() : nil
        }
        let throttled = HTTPResponseData(
            status: 400,
            body: Array("<Response><Errors><Error><Code>RequestLimitExceeded</Code></Error></Errors></Response>".utf8)
        )
        #expect(policy.delay(beforeRetry: 1, after: throttled) == .milliseconds(800))
        #expect(policy.delay(beforeRetry: 2, after: throttled) == .milliseconds(2400))
        #expect(policy.delay(beforeRetry: 4, after: throttled) == nil)
        let invalid = HTTPResponseData(
            status: 400, body: Array("<Response><Errors><Error><Code>InvalidParameterValue</Code></Error></Errors></Response>".utf8)
        )
        #expect(policy.delay(beforeRetry: 1, after: invalid) == nil)
    }

    /// AWS's full jitter: a service's own schedule replaces the computed backoff, still under the cap, and
    /// a server-given delay still wins over it.
    @Test func aBackoffHookReplacesTheComputedDelayUnderTheCap() {
        var policy = RetryPolicy(maximumDelay: .seconds(3))
        policy.backoff = { attempt in .milliseconds(500) * Double(1 << (attempt - 1)) }
        let busy = HTTPResponseData(status: 503)
        #expect(policy.delay(beforeRetry: 1, after: busy) == .milliseconds(500))
        #expect(policy.delay(beforeRetry: 2, after: busy) == .seconds(1))
        #expect(policy.delay(beforeRetry: 3, after: busy) == .seconds(2))
        #expect(policy.delay(beforeRetry: 1, after: nil) == .milliseconds(500))
        var capped = policy
        capped.maximumRetries = 5
        #expect(capped.delay(beforeRetry: 5, after: busy) == .seconds(3))
        #expect(policy.delay(beforeRetry: 1, after: HTTPResponseData(status: 503, headers: [("Retry-After", "2")])) == .seconds(2))
        #expect(policy.delay(beforeRetry: 1, after: HTTPResponseData(status: 404)) == nil)
    }
}
