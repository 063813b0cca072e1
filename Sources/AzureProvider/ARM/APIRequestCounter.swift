import CoreMetrics

/// Counts every request to Azure (ARM and the token endpoints) by outcome, so throttling and failures show
/// in `discoveryd_provider_api_requests_total{provider="azure",outcome=...}`.
///
/// Recorded through swift-metrics into the factory the daemon bootstrapped (Prometheus); without one, the
/// counts go nowhere.
struct APIRequestCounter: Sendable {
    static let label = "discoveryd_provider_api_requests_total"

    var factory: any MetricsFactory = MetricsSystem.factory

    func record(_ outcome: Result<HTTPResponseData, any Error>) {
        Counter(label: Self.label, dimensions: [("provider", "azure"), ("outcome", Self.outcome(outcome))], factory: factory)
            .increment()
    }

    /// `success` (2xx), `throttled` (429), `client_error` (other 4xx), `server_error` (5xx), `no_answer`
    /// (the request failed before a status: DNS, TLS, timeout).
    static func outcome(_ outcome: Result<HTTPResponseData, any Error>) -> String {
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
