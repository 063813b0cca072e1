import HTTPSupport

/// When to retry an AWS call, as the AWS SDKs' "standard" retry mode does: throttling and transient errors
/// are retried with capped exponential backoff and full jitter (`random(0, min(cap, base · 2^(n−1)))`).
///
/// `sleep` and `jitter` are injectable so tests assert the delays without waiting.
public struct AWSRetryPolicy: Sendable {
    /// Attempts in all, the first included.
    public var maximumAttempts: Int
    public var baseDelay: Duration
    public var maximumDelay: Duration
    public var sleep: @Sendable (Duration) async throws -> Void
    /// A factor in `0..<1` (full jitter).
    public var jitter: @Sendable () -> Double

    public init(
        maximumAttempts: Int = 5,
        baseDelay: Duration = .milliseconds(500),
        maximumDelay: Duration = .seconds(20),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        jitter: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.maximumAttempts = maximumAttempts
        self.baseDelay = baseDelay
        self.maximumDelay = maximumDelay
        self.sleep = sleep
        self.jitter = jitter
    }

    public static let standard = AWSRetryPolicy()

    /// Error codes AWS uses for rate limiting, across EC2, Auto Scaling and STS.
    static let throttlingCodes: Set<String> = [
        "RequestLimitExceeded", "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottled",
        "RequestThrottledException", "TooManyRequestsException", "SlowDown", "PriorRequestNotComplete",
        "EC2ThrottledException", "BandwidthLimitExceeded",
    ]
    /// Transient server-side errors.
    static let transientCodes: Set<String> = ["InternalError", "InternalFailure", "ServiceUnavailable", "RequestTimeout", "Unavailable"]
    static let transientStatuses: Set<Int> = [429, 500, 502, 503, 504]

    static func isThrottling(status: Int, code: String?) -> Bool {
        if let code, throttlingCodes.contains(code) { return true }
        return status == 429 || status == 503
    }

    /// This policy as HTTPSupport's ``RetryPolicy``: the transient statuses, the throttling and transient
    /// codes of an XML error body (AWS throttles with HTTP 400 too) through the `throttling` hook, and the
    /// SDKs' full-jitter backoff `random(0, min(cap, base · 2^(n−1)))`.
    var retryPolicy: RetryPolicy {
        let (baseDelay, maximumDelay, jitter) = (baseDelay, maximumDelay, jitter)
        return RetryPolicy(
            maximumRetries: max(0, maximumAttempts - 1),
            baseDelay: baseDelay,
            maximumDelay: maximumDelay,
            retryableStatuses: Self.transientStatuses,
            retriesTransportErrors: true,
            sleep: sleep,
            jitter: jitter,
            throttling: { response, _ in
                guard let code = AWSErrorBody(xml: response.body)?.code,
                    Self.throttlingCodes.contains(code) || Self.transientCodes.contains(code)
                else { return nil }
                return ThrottlingHint()
            },
            backoff: { retry in min(baseDelay * Double(1 << min(retry - 1, 20)), maximumDelay) * jitter() }
        )
    }
}
