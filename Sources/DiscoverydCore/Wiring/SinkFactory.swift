import HAProxySink
import ProviderKit

/// Builds the sink the `haproxy:` section selects, and the reader `plan` uses to see HAProxy's current
/// backends: the Runtime API when `runtime_socket` is set, else the Data Plane API.
///
/// **Adding a sink kind** is one edit here: a selection rule in ``makeSink(for:context:)`` (and in
/// ``makeStateReader(for:context:)``) and a `make…` function that builds it from the configuration.
public enum SinkFactory {
    public static func makeSink(for configuration: DiscoverydConfiguration, context: WiringContext) throws -> any Sink {
        let settings = try HAProxySinkSettings(configuration.haproxy)
        if let socket = configuration.haproxy.runtimeSocket {
            return try makeRuntimeSink(socket: socket, settings: settings, configuration: configuration, context: context)
        }
        return try makeDataPlaneSink(settings: settings, configuration: configuration, context: context)
    }

    /// For `plan` without `--offline`: reads the servers of every backend discoveryd manages, by backend name.
    public static func makeStateReader(
        for configuration: DiscoverydConfiguration,
        context: WiringContext
    ) throws -> any HAProxyStateReader {
        let settings = try HAProxySinkSettings(configuration.haproxy)
        if let socket = configuration.haproxy.runtimeSocket {
            return try makeRuntimeStateReader(socket: socket, settings: settings, configuration: configuration, context: context)
        }
        return try makeDataPlaneStateReader(settings: settings, configuration: configuration, context: context)
    }

    // MARK: - Runtime API (haproxy.runtime_socket)

    static func makeRuntimeSink(
        socket: RuntimeSocketAddress,
        settings: HAProxySinkSettings,
        configuration: DiscoverydConfiguration,
        context: WiringContext
    ) throws -> any Sink {
        RuntimeAPISink(
            client: runtimeClient(socket: socket, configuration: configuration),
            settings: settings,
            logger: context.logger
        )
    }

    static func makeRuntimeStateReader(
        socket: RuntimeSocketAddress,
        settings: HAProxySinkSettings,
        configuration: DiscoverydConfiguration,
        context: WiringContext
    ) throws -> any HAProxyStateReader {
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
    ) throws -> any Sink {
        try DataPlaneWiring.makeSink(settings: settings, section: configuration.haproxy, context: context)
    }

    static func makeDataPlaneStateReader(
        settings: HAProxySinkSettings,
        configuration: DiscoverydConfiguration,
        context: WiringContext
    ) throws -> any HAProxyStateReader {
        DataPlaneStateReader(
            sink: try DataPlaneWiring.makeSink(settings: settings, section: configuration.haproxy, context: context)
        )
    }
}

/// Reads what HAProxy has now, for `plan`: the servers of every backend discoveryd manages
/// (``BackendNaming/isManaged(backendName:)``), keyed by backend name. Writes nothing.
public protocol HAProxyStateReader: Sendable {
    func readManagedBackends() async throws -> [String: [ServerState]]

    /// The plan a cycle of the sink would carry out for `catalog` now. The default plans with
    /// ``ReconcilePlanner`` over ``readManagedBackends()``; a reader whose sink sees more than
    /// ``ServerState`` (the Data Plane sink: parameter drift, unmarked backends) plans the way its sink does.
    func plan(_ catalog: ServiceCatalog, settings: HAProxySinkSettings) async throws -> ReconcilePlan
}

extension HAProxyStateReader {
    public func plan(_ catalog: ServiceCatalog, settings: HAProxySinkSettings) async throws -> ReconcilePlan {
        ReconcilePlanner(settings: settings).plan(catalog: catalog, actual: try await readManagedBackends())
    }
}

extension RuntimeAPISink: HAProxyStateReader {}
