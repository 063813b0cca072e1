import Prometheus

/// What each path of the operations listener answers. Separate from the server so tests can ask without a
/// socket.
public struct OperationsRoutes: Sendable {
    public var registry: PrometheusCollectorRegistry
    public var health: HealthState

    public init(registry: PrometheusCollectorRegistry, health: HealthState) {
        self.registry = registry
        self.health = health
    }

    public struct Response: Sendable {
        public var status: Int
        public var contentType: String
        public var body: [UInt8]
    }

    public func respond(method: String, path: String) -> Response {
        guard method == "GET" || method == "HEAD" else {
            return text(405, "only GET and HEAD are served here\n")
        }
        switch path {
        case "/metrics":
            var buffer: [UInt8] = []
            buffer.reserveCapacity(8 * 1024)
            registry.emit(into: &buffer)
            return Response(status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: buffer)
        case "/healthz":
            return answer(health.liveness)
        case "/readyz":
            return answer(health.readiness)
        default:
            return text(404, "not found; try /metrics, /healthz or /readyz\n")
        }
    }

    private func answer(_ answer: HealthAnswer) -> Response {
        text(answer.ok ? 200 : 503, answer.body + "\n")
    }

    private func text(_ status: Int, _ body: String) -> Response {
        Response(status: status, contentType: "text/plain; charset=utf-8", body: Array(body.utf8))
    }
}
