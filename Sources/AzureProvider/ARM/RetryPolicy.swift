import Foundation

/// When and how long to wait before retrying a request, modelled on Azure's SDKs (azcore).
///
/// A server-given delay (`retry-after-ms`, `x-ms-retry-after-ms`, `Retry-After` in seconds or as an
/// HTTP date) wins over the computed backoff; a server delay longer than ``maximumDelay`` ends the
/// retries (the discovery loop backs off instead of holding a request open). Otherwise the delay is
/// `(2^attempt − 1) · baseDelay · jitter`, capped at ``maximumDelay``.
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

    public init(
        maximumRetries: Int = 3,
        baseDelay: Duration = .milliseconds(800),
        maximumDelay: Duration = .seconds(60),
        retryableStatuses: Set<Int> = [408, 429, 500, 502, 503, 504],
        retriesTransportErrors: Bool = true,
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        jitter: @escaping @Sendable () -> Double = { Double.random(in: 0.8..<1.3) },
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.maximumRetries = maximumRetries
        self.baseDelay = baseDelay
        self.maximumDelay = maximumDelay
        self.retryableStatuses = retryableStatuses
        self.retriesTransportErrors = retriesTransportErrors
        self.sleep = sleep
        self.jitter = jitter
        self.now = now
    }

    /// ARM: azcore's defaults (3 retries, 0.8 s base, 60 s cap; 408, 429, 500, 502, 503, 504).
    public static let arm = RetryPolicy()

    /// IMDS, as azidentity retries it: 5 retries, 2 s base, 1 min cap, on 404, 410, 429 and 500–511.
    public static let managedIdentity = RetryPolicy(
        maximumRetries: 5,
        baseDelay: .seconds(2),
        maximumDelay: .seconds(60),
        retryableStatuses: Set([404, 410, 429]).union(500...511)
    )

    /// The delay before retry number `attempt` (1-based) after `response`, or nil to give up.
    func delay(beforeRetry attempt: Int, after response: HTTPResponseData?) -> Duration? {
        guard attempt <= maximumRetries else { return nil }
        if let response {
            guard retryableStatuses.contains(response.status) else { return nil }
            if let serverDelay = Self.serverDelay(in: response, now: now()) {
                return serverDelay <= maximumDelay ? serverDelay : nil
            }
        } else if !retriesTransportErrors {
            return nil
        }
        let factor = Double((1 << min(attempt, 30)) - 1) * jitter()
        let computed = baseDelay * factor
        return min(computed, maximumDelay)
    }

    /// The delay the server asked for, if any: `retry-after-ms`, then `x-ms-retry-after-ms`, then
    /// `Retry-After` (delta-seconds or an HTTP date), then Resource Graph's exhausted quota
    /// (`x-ms-user-quota-remaining: 0` with `x-ms-user-quota-resets-after: hh:mm:ss`).
    static func serverDelay(in response: HTTPResponseData, now: Date) -> Duration? {
        headerDelay(in: response, now: now) ?? QuotaHeaders(response)?.waitBeforeNextRequest
    }

    private static func headerDelay(in response: HTTPResponseData, now: Date) -> Duration? {
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
enum HTTPDate {
    static func parse(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}

/// Azure Resource Graph's per-user quota, sent with every answer: how many queries are left in the
/// current window and when the window starts again (`hh:mm:ss`).
struct QuotaHeaders: Sendable, Equatable {
    var remaining: Int
    var resetsAfter: Duration

    init?(_ response: HTTPResponseData) {
        guard let remainingText = response.header("x-ms-user-quota-remaining"),
            let remaining = Int(remainingText.trimmingCharacters(in: .whitespaces)),
            let resetsText = response.header("x-ms-user-quota-resets-after"),
            let resetsAfter = Self.parseTimeSpan(resetsText)
        else { return nil }
        self.remaining = remaining
        self.resetsAfter = resetsAfter
    }

    /// The wait before another query may be sent: none while queries are left in the window.
    var waitBeforeNextRequest: Duration? { remaining > 0 ? nil : resetsAfter }

    /// `hh:mm:ss` (optionally with fractional seconds), as .NET writes a TimeSpan.
    static func parseTimeSpan(_ text: String) -> Duration? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, let hours = Int(parts[0]), let minutes = Int(parts[1]), let seconds = Double(parts[2]),
            hours >= 0, minutes >= 0, seconds >= 0
        else { return nil }
        return .milliseconds(Int64(((Double(hours * 3600 + minutes * 60) + seconds) * 1000).rounded(.up)))
    }
}
