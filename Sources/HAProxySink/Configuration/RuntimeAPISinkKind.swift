import ProviderKit

/// The Runtime API sink, chosen by `haproxy.runtime_socket`: no Data Plane settings are needed then.
public enum RuntimeAPISinkKind: SinkKind {
    public static let name = "HAProxy Runtime API"
    public static let sectionKey = "haproxy"

    public static func isSelected(by section: HAProxySection?) -> Bool {
        section?.runtimeSocket != nil
    }

    public static func makeSink(from section: HAProxySection?, context: WiringContext) throws -> any Sink {
        let section = section ?? HAProxySection()
        guard let socket = section.runtimeSocket else {
            throw ConfigurationError.missingKey(
                ConfigurationKeyPath([.key("haproxy"), .key("runtime_socket")]),
                hint: "the Runtime API sink needs the socket, e.g. runtime_socket: /run/haproxy/admin.sock"
            )
        }
        return RuntimeAPISink(
            client: runtimeClient(socket: socket, timeoutSeconds: section.timeoutSeconds),
            settings: try HAProxySinkSettings(section),
            logger: context.logger(for: "haproxy-runtime")
        )
    }

    public static func summary(of section: HAProxySection?) -> String {
        let section = section ?? HAProxySection()
        let socket = section.runtimeSocket.map { "\($0)" } ?? "(none)"
        return "HAProxy Runtime API at \(socket); \(section.serverSlots.summary)"
    }

    public static func planOffline(_ catalog: ServiceCatalog, section: HAProxySection?) throws -> (any SinkPlan)? {
        try HAProxySection.planOffline(catalog, section: section)
    }

    static func runtimeClient(socket: RuntimeSocketAddress, timeoutSeconds: Double) -> RuntimeAPIClient {
        let endpoint: RuntimeAPIEndpoint =
            switch socket {
            case .unix(let path): .unixSocket(path: path)
            case .tcp(let host, let port): .tcp(host: host, port: port)
            }
        return RuntimeAPIClient(endpoint: endpoint, timeout: .milliseconds(Int64((timeoutSeconds * 1000).rounded())))
    }
}
