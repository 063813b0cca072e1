import CoreMetrics

/// Counts every request a provider sends (each attempt, retries included) by outcome, so throttling and
/// failures show in `discoveryd_provider_api_requests_total{provider="azure",outcome=...}`.
///
/// Recorded through swift-metrics into the factory the daemon bootstrapped (Prometheus); without one, the
/// counts go nowhere.
public struct APIRequestCounter: Sendable {
    public static let label = "discoveryd_provider_api_requests_total"

    /// The `provider` label: `azure`, `aws`.
    public var provider: String
    public var factory: any MetricsFactory

    public init(provider: String, factory: any MetricsFactory = MetricsSystem.factory) {
        self.provider = provider
        self.factory = factory
    }

    public func record(_ outcome: Result<HTTPResponseData, any Error>) {
        record(outcome: Self.outcome(outcome))
    }

    /// Counts one request under an outcome the caller worked out, for a service that signals throttling
    /// in its body rather than by status (AWS answers `RequestLimitExceeded` with HTTP 400: `throttled`).
    public func record(outcome: String) {
        Counter(label: Self.label, dimensions: [("provider", provider), ("outcome", outcome)], factory: factory)
            .increment()
    }

    /// `success` (2xx), `throttled` (429), `client_error` (other 4xx), `server_error` (5xx), `no_answer`
    /// (the request failed before a status: DNS, TLS, timeout).
    public static func outcome(_ outcome: Result<HTTPResponseData, any Error>) -> String {
        guard case .success(let response) = outcome else { return "no_answer" }
        switch response.status {
        case 200..<300: return "success"
        case 429: return "throttled"
        case 400..<500: return "client_error"
        case 500..<600: return "server_error"
        default: return "other"
        }
    }
}
