/// One machine a provider found: the unit discovery works with.
///
/// Instances are plain values so that snapshots can be compared, cached as the "last good" state and
/// grouped by pure functions. A provider reports every instance it sees, whatever its state;
/// the grouper decides what becomes a server.
public struct Instance: Hashable, Sendable {
    /// Stable identity for as long as the machine lives (Azure: the lower-cased ARM resource id).
    /// Slot stickiness is keyed on it, so it must not change when the address or tags do.
    public var id: InstanceID
    public var name: String
    /// The address servers are pointed at: an IPv4 or IPv6 literal.
    public var address: String
    public var publicAddress: String?
    public var region: String
    public var zone: String?
    public var tags: [String: String]
    public var state: InstanceState
    /// Which kind of source produced it (`static`, `azure-vm`, `azure-vmss-uniform`, ...): for logs and plans.
    public var sourceKind: String

    public init(
        id: InstanceID,
        name: String? = nil,
        address: String,
        publicAddress: String? = nil,
        region: String,
        zone: String? = nil,
        tags: [String: String] = [:],
        state: InstanceState = .running,
        sourceKind: String
    ) {
        self.id = id
        self.name = name ?? id.rawValue
        self.address = address
        self.publicAddress = publicAddress
        self.region = region
        self.zone = zone
        self.tags = tags
        self.state = state
        self.sourceKind = sourceKind
    }
}
