import HAProxySink

/// Writes the haproxy.cfg an E2E test runs: a Runtime API socket, one loopback frontend per backend,
/// and backends with pre-allocated slots as the Runtime API sink documents them.
public struct HAProxyConfiguration: Sendable {
    public struct Backend: Sendable {
        public var name: String
        public var frontendPort: Int
        public var slots = 10
        public var check = true

        public init(name: String, frontendPort: Int, slots: Int = 10, check: Bool = true) {
            self.name = name
            self.frontendPort = frontendPort
            self.slots = slots
            self.check = check
        }
    }

    public var runtimeSocket: String
    public var backends: [Backend]

    public init(runtimeSocket: String, backends: [Backend]) {
        self.runtimeSocket = runtimeSocket
        self.backends = backends
    }

    public var text: String {
        var lines = [
            "global",
            "    stats socket \(runtimeSocket) level admin",
            "    maxconn 1000",
            "",
            "defaults",
            "    mode http",
            "    timeout connect 1s",
            "    timeout client 10s",
            "    timeout server 10s",
            "",
        ]
        for backend in backends {
            lines += [
                "frontend fe-\(backend.name)",
                "    bind 127.0.0.1:\(backend.frontendPort)",
                "    default_backend \(backend.name)",
                "",
                "backend \(backend.name)",
                "    balance roundrobin",
                "    server-template srv \(backend.slots) 127.0.0.1:80 disabled\(backend.check ? " check inter 1s" : "")",
                "",
            ]
        }
        return lines.joined(separator: "\n")
    }
}
