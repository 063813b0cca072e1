import ProviderKit

/// An endpoint as it should appear in HAProxy: where it is plus the per-server settings decided by the
/// ``ServerSettingsPolicy``. The input of the ``SlotPlanner``.
public struct DesiredServer: Hashable, Sendable {
    public var instanceID: InstanceID
    public var instanceName: String
    public var address: String
    public var port: Int
    public var weight: Int
    public var backup: Bool

    public init(
        instanceID: InstanceID,
        instanceName: String? = nil,
        address: String,
        port: Int,
        weight: Int = ServerSettingsPolicy.defaultWeight,
        backup: Bool = false
    ) {
        self.instanceID = instanceID
        self.instanceName = instanceName ?? instanceID.rawValue
        self.address = address
        self.port = port
        self.weight = weight
        self.backup = backup
    }

    /// The server line that serves this endpoint from slot `name`.
    public func server(named name: String) -> ServerState {
        ServerState(name: name, address: address, port: port, maintenance: false, weight: weight, backup: backup)
    }
}
