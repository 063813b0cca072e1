import HTTPSupport

extension RetryPolicy {
    /// ARM: azcore's defaults (3 retries, 0.8 s base, 60 s cap; 408, 429, 500, 502, 503, 504).
    public static let arm = RetryPolicy()

    /// IMDS, as azidentity retries it: 5 retries, 2 s base, 1 min cap, on 404, 410, 429 and 500–511.
    public static let managedIdentity = RetryPolicy(
        maximumRetries: 5,
        baseDelay: .seconds(2),
        maximumDelay: .seconds(60),
        retryableStatuses: Set([404, 410, 429]).union(500...511)
    )
}
