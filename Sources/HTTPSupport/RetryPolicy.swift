import Foundation

/// When and how long to wait before retrying a request, modelled on Azure's SDKs (azcore).
///
/// ## Contract
/// - An answer is retried when its status is in ``retryableStatuses`` or ``throttling`` says so; a request
///   that got no answer at all is retried when ``retriesTransportErrors``; at most ``maximumRetries`` times.
/// - A server-given delay (the ``throttling`` hook's, then `retry-after-ms`, `x-ms-retry-after-ms`,
///   `Retry-After` in seconds or as an HTTP date) wins over the computed backoff; a server delay longer than
///   ``maximumDelay`` ends the retries (the caller backs off instead of holding a request open).
/// - Otherwise the delay is ``backoff``'s when set (a service's own schedule, e.g. the AWS SDKs' full
///   jitter), else `(2^attempt − 1) · baseDelay · jitter`; either is capped at ``maximumDelay``.
///
/// `sleep`, `jitter` and `now` are injectable so tests can assert the honoured delays without waiting.
public struct RetryPolicy: Sendable {
    public var maximumRetries: Int
    public var baseDelay: Duration
    public var maximumDelay: Duration
    public var retryableStatuses: Set<Int>
    /// Whether a request that got no answer at all (connection refused, timeout) is retried.
    public var retriesTransportErrors: Bool
    public var sleep: @Sendable (Duration) async throws -> Void
    /// A factor in `0.8..<1.3`, as azcore uses.
    public var jitter: @Sendable () -> Double
    public var now: @Sendable () -> Date
    /// A service's own throttling signals (a quota header, an error code in the body), read from every
    /// failed answer before the standard headers. Returning a ``ThrottlingHint`` makes the answer retryable
    /// whatever its status; `nil` leaves the decision to the status and the standard headers.
    public var throttling: @Sendable (_ response: HTTPResponseData, _ now: Date) -> ThrottlingHint?
    /// A service's own backoff before retry number `attempt` (1-based), replacing the computed one; nil
    /// keeps azcore's.
    public var backoff: (@Sendable (_ attempt: Int) -> Duration)?

    public init(
        maximumRetries: Int = 3,
        baseDelay: Duration = .milliseconds(800),
        maximumDelay: Duration = .seconds(60),
        retryableStatuses: Set<Int> = [408, 429, 500, 502, 503, 504],
        retriesTransportErrors: Bool = true,
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        jitter: @escaping @Sendable () -> Double = { Double.random(in: 0.8..<1.3) },
        now: @escaping @Sendable () -> Date = { Date() },
        throttling: @escaping @Sendable (_ response: HTTPResponseData, _ now: Date) -> ThrottlingHint? = { _, _ in nil },
        backoff: (@Sendable (_ attempt: Int) -> Duration)? = nil
    ) {
        self.maximumRetries = maximumRetries
        self.baseDelay = baseDelay
        self.maximumDelay = maximumDelay
        self.retryableStatuses = retryableStatuses
        self.retriesTransportErrors = retriesTransportErrors
        self.sleep = sleep
        self.jitter = jitter
        self.now = now
        self.throttling = throttling
        self.backoff = backoff
    }

    /// The delay before retry number `attempt` (1-based) after `response` (`nil`: no answer), or nil to give up.
    public func delay(beforeRetry attempt: Int, after response: HTTPResponseData?) -> Duration? {
        guard attempt <= maximumRetries else { return nil }
        if let response {
            let hint = throttling(response, now())
            guard hint != nil || retryableStatuses.contains(response.status) else { return nil }
            if let serverDelay = hint?.delay ?? Self.serverDelay(in: response, now: now()) {
                return serverDelay <= maximumDelay ? serverDelay : nil
            }
        } else if !retriesTransportErrors {
            return nil
        }
        let computed = backoff?(attempt) ?? baseDelay * (Double((1 << min(attempt, 30)) - 1) * jitter())
        return min(computed, maximumDelay)
    }

    /// The delay the server asked for, if any: `retry-after-ms`, then `x-ms-retry-after-ms`, then
    /// `Retry-After` (delta-seconds or an HTTP date).
    public static func serverDelay(in response: HTTPResponseData, now: Date) -> Duration? {
        for name in ["retry-after-ms", "x-ms-retry-after-ms"] {
            if let text = response.header(name)?.trimmingCharacters(in: .whitespaces),
                let milliseconds = Double(text), milliseconds >= 0
            {
                return .milliseconds(Int64(milliseconds.rounded(.up)))
            }
        }
        guard let text = response.header("Retry-After")?.trimmingCharacters(in: .whitespaces), !text.isEmpty else {
            return nil
        }
        if let seconds = Double(text), seconds >= 0 {
            return .milliseconds(Int64((seconds * 1000).rounded(.up)))
        }
        if let date = HTTPDate.parse(text) {
            let seconds = max(0, date.timeIntervalSince(now))
            return .milliseconds(Int64((seconds * 1000).rounded(.up)))
        }
        return nil
    }
}

/// RFC 9110 IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the form servers send in `Retry-After`.
public enum HTTPDate {
    /// The date, or nil when `text` is not an IMF-fixdate.
    public static func parse(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}

/// What a service's own throttling signal says about an answer: retry it, after ``delay`` when the service
/// named one (else after the computed backoff).
public struct ThrottlingHint: Sendable, Equatable {
    public var delay: Duration?

    public init(delay: Duration? = nil) {
        self.delay = delay
    }
}
