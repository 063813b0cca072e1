import ProviderKit

/// Everything both HAProxy sinks (Data Plane API and Runtime API) need to decide what a backend should look
/// like. Built from the `haproxy:` configuration section.
public struct HAProxySinkSettings: Hashable, Sendable {
    public var naming: BackendNaming
    public var slotPolicy: SlotPolicy
    public var serverSettings: ServerSettingsPolicy
    /// The `balance` algorithm of backends discoveryd creates.
    public var balance: String
    public var mode: BackendMode
    /// Extra backend fields per service name, applied when the backend is created.
    public var backendOptions: [String: [String: JSONValue]]
    /// Which existing backends the Runtime API sink may write (`haproxy.runtime_backends`).
    public var runtimeOwnership: RuntimeBackendOwnership
    /// How long a departing server drains before its slot is freed (`haproxy.drain_seconds`).
    public var drainPolicy: DrainPolicy

    public init(
        naming: BackendNaming = .standard,
        slotPolicy: SlotPolicy = .standard,
        serverSettings: ServerSettingsPolicy = ServerSettingsPolicy(),
        balance: String = "roundrobin",
        mode: BackendMode = .http,
        backendOptions: [String: [String: JSONValue]] = [:],
        runtimeOwnership: RuntimeBackendOwnership = RuntimeBackendOwnership(),
        drainPolicy: DrainPolicy = .immediate
    ) {
        self.naming = naming
        self.slotPolicy = slotPolicy
        self.serverSettings = serverSettings
        self.balance = balance
        self.mode = mode
        self.backendOptions = backendOptions
        self.runtimeOwnership = runtimeOwnership
        self.drainPolicy = drainPolicy
    }

    /// The extra backend fields for a service (keyed by service name, as in the configuration file).
    public func backendOptions(for key: ServiceKey) -> [String: JSONValue] {
        backendOptions[key.name] ?? [:]
    }
}

/// The proxy mode of a created backend.
public enum BackendMode: String, Hashable, Sendable, Encodable, CaseIterable {
    case http
    case tcp
}
