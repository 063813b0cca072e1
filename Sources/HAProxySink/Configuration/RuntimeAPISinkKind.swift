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
        return "HAProxy Runtime API at \(socket); \(section.serverSlots.summary)\(section.drainSummary)"
    }

    /// Offline, HAProxy is taken to declare every backend as the sink needs it (the `server-template` of
    /// base free slots that `plan` prints for a missing backend): the plan shows the runtime writes that
    /// follow, never a backend to create or a reload.
    public static func checkLocally(_ section: HAProxySection?) -> [LocalCheck] {
        HAProxySection.localChecks(section, usesRuntimeAPI: true)
    }

    public static func planOffline(_ catalog: ServiceCatalog, section: HAProxySection?) throws -> (any SinkPlan)? {
        let settings = try HAProxySinkSettings(section ?? HAProxySection())
        let planner = ReconcilePlanner(settings: settings)
        var declared: [String: [ServerState]] = [:]
        for backend in planner.plan(catalog: catalog, actual: [:]).backends {
            declared[backend.backendName] = (1...max(1, settings.slotPolicy.base)).map {
                ServerState.placeholder(name: "\(SlotName.prefix)\($0)", weight: settings.serverSettings.weight)
            }
        }
        return HAProxyPlan(
            planner.plan(catalog: catalog, actual: declared),
            catalog: catalog,
            mechanism: .runtimeAPI(settings),
            offlineTarget: "haproxy.cfg declaring each backend with \(settings.slotPolicy.base) free slots (offline)"
        )
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
