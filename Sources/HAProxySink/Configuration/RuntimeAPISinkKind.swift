import HAProxySink
import ProviderKit

/// Builds the sink the `haproxy:` section selects: the Runtime API when `runtime_socket` is set, else the
/// Data Plane API. `plan` uses the same sink, through ``PlanningSink``, to plan against HAProxy's current
/// backends without writing.
///
/// **Adding a sink kind** is one edit here: a selection rule in ``makePlanningSink(for:context:)`` and a
/// `make…` function that builds it from the configuration (a ``PlanningSink``, so `plan` works with it too).
public enum SinkFactory {
    public static func makeSink(for configuration: DiscoverydConfiguration, context: WiringContext) throws -> any Sink {
        try makePlanningSink(for: configuration, context: context)
    }

    /// The configured sink, able to plan against HAProxy's actual state (`plan` without `--offline`).
    public static func makePlanningSink(
        for configuration: DiscoverydConfiguration,
        context: WiringContext
    ) throws -> any PlanningSink {
        let settings = try HAProxySinkSettings(configuration.haproxy)
        if let socket = configuration.haproxy.runtimeSocket {
            return try makeRuntimeSink(socket: socket, settings: settings, configuration: configuration, context: context)
        }
        return try makeDataPlaneSink(settings: settings, configuration: configuration, context: context)
    }

    // MARK: - Runtime API (haproxy.runtime_socket)

    static func makeRuntimeSink(
        socket: RuntimeSocketAddress,
        settings: HAProxySinkSettings,
        configuration: DiscoverydConfiguration,
        context: WiringContext
    ) throws -> RuntimeAPISink {
        RuntimeAPISink(
            client: runtimeClient(socket: socket, configuration: configuration),
            settings: settings,
            logger: context.logger
        )
    }

    static func runtimeClient(socket: RuntimeSocketAddress, configuration: DiscoverydConfiguration) -> RuntimeAPIClient {
        let endpoint: RuntimeAPIEndpoint =
            switch socket {
            case .unix(let path): .unixSocket(path: path)
            case .tcp(let host, let port): .tcp(host: host, port: port)
            }
        return RuntimeAPIClient(
            endpoint: endpoint,
            timeout: .milliseconds(Int64((configuration.haproxy.timeoutSeconds * 1000).rounded()))
        )
    }

    // MARK: - Data Plane API (haproxy.base_url)

    static func makeDataPlaneSink(
        settings: HAProxySinkSettings,
        configuration: DiscoverydConfiguration,
        context: WiringContext
    ) throws -> DataPlaneSink {
        try DataPlaneWiring.makeSink(settings: settings, section: configuration.haproxy, context: context)
    }
}
