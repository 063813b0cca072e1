import ProviderKit

/// What one backend should become, and the writes that get it there. Produced by ``SlotPlanner``.
public struct BackendPlan: Hashable, Sendable {
    public enum Status: String, Hashable, Sendable, Codable {
        /// The backend does not exist yet: create it with ``BackendPlan/servers``.
        case new
        /// Exists and some slots need writing.
        case changed
        /// Its service vanished: every slot is (or becomes) a placeholder; the backend is kept.
        case retired
        /// Exists and matches.
        case unchanged
    }

    public var backendName: String
    /// The service it serves; `nil` for a retired backend.
    public var serviceKey: ServiceKey?
    /// The complete planned server list, `srv1` ... `srvN` in order.
    public var servers: [ServerState]
    /// The writes, ordered by slot index; empty when the backend already matches.
    public var changes: [ServerChange]
    /// Which slot each instance occupies after the plan; the cache to pass back as previous assignments.
    public var assignments: [InstanceID: String]
    /// Servers in the backend that are not `srvN` slots: left alone, reported.
    public var unmanagedServers: [ServerState]
    public var warnings: [PlanWarning]
    /// The backend does not exist yet.
    public var isNewBackend: Bool
    public var isRetired: Bool
    /// Slots draining after the plan (their instance left; not free until the drain ends), in slot order.
    public var drains: [SlotDrain]
    /// Drains whose time is up: this plan frees their slots.
    public var expiredDrains: [SlotDrain]

    public init(
        backendName: String,
        serviceKey: ServiceKey?,
        servers: [ServerState],
        changes: [ServerChange],
        assignments: [InstanceID: String],
        unmanagedServers: [ServerState] = [],
        warnings: [PlanWarning] = [],
        isNewBackend: Bool,
        isRetired: Bool,
        drains: [SlotDrain] = [],
        expiredDrains: [SlotDrain] = []
    ) {
        self.backendName = backendName
        self.serviceKey = serviceKey
        self.servers = servers
        self.changes = changes
        self.assignments = assignments
        self.unmanagedServers = unmanagedServers
        self.warnings = warnings
        self.isNewBackend = isNewBackend
        self.isRetired = isRetired
        self.drains = drains
        self.expiredDrains = expiredDrains
    }

    public var status: Status {
        if isNewBackend { return .new }
        if isRetired { return .retired }
        return changes.isEmpty ? .unchanged : .changed
    }

    /// Slots holding an instance.
    public var slotsUsed: Int { assignments.count }
    /// Slots draining after the plan.
    public var slotsDraining: Int { drains.count }
    /// Slots after the plan.
    public var slotsTotal: Int { servers.count }

    /// Creating the backend or any structural server change: needs a transaction and reload.
    public var needsStructuralChange: Bool {
        isNewBackend || changes.contains { $0.kind == .structural }
    }

    public var runtimeChanges: [ServerChange] { changes.filter { $0.kind == .runtime } }
    public var structuralChanges: [ServerChange] { changes.filter { $0.kind == .structural } }
}
