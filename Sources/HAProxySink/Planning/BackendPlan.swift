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
    ///
    /// A new backend's writes add every planned server in order, so they are not stored twice: they are built
    /// from ``servers`` when read (see ``ChangeStorage``).
    public var changes: [ServerChange] {
        get {
            switch changeStorage {
            case .addingEveryServer: servers.map(ServerChange.addSlot)
            case .listed(let changes): changes
            }
        }
        set { changeStorage = .listed(newValue) }
    }
    /// How ``changes`` is kept.
    enum ChangeStorage: Sendable {
        /// One `addSlot` per planned server, in order: a new backend's writes, most of a first plan's memory
        /// when stored as copies of the servers.
        case addingEveryServer
        case listed([ServerChange])
    }
    private(set) var changeStorage: ChangeStorage
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
        self.init(
            backendName: backendName,
            serviceKey: serviceKey,
            servers: servers,
            changeStorage: Self.storage(of: changes, servers: servers),
            assignments: assignments,
            unmanagedServers: unmanagedServers,
            warnings: warnings,
            isNewBackend: isNewBackend,
            isRetired: isRetired,
            drains: drains,
            expiredDrains: expiredDrains
        )
    }

    /// With the writes as ``ChangeStorage``: the slot planner says a new backend adds every server rather than
    /// building those writes (a first plan of 100,000 instances built, grew and compared 160,000 changes only to
    /// drop them).
    init(
        backendName: String,
        serviceKey: ServiceKey?,
        servers: [ServerState],
        changeStorage: ChangeStorage,
        assignments: [InstanceID: String],
        unmanagedServers: [ServerState],
        warnings: [PlanWarning],
        isNewBackend: Bool,
        isRetired: Bool,
        drains: [SlotDrain],
        expiredDrains: [SlotDrain]
    ) {
        self.backendName = backendName
        self.serviceKey = serviceKey
        self.servers = servers
        self.changeStorage = changeStorage
        self.assignments = assignments
        self.unmanagedServers = unmanagedServers
        self.warnings = warnings
        self.isNewBackend = isNewBackend
        self.isRetired = isRetired
        self.drains = drains
        self.expiredDrains = expiredDrains
    }

    /// How `changes` to reach `servers` are kept: as "adding every server" when that is exactly what they are
    /// (never when there are none).
    static func storage(of changes: [ServerChange], servers: [ServerState]) -> ChangeStorage {
        addsEveryServer(changes, servers) ? .addingEveryServer : .listed(changes)
    }

    /// The writes of a new backend holding `servers`: one `addSlot` of each, in order (none when it is empty).
    static func storageAddingEvery(_ servers: [ServerState]) -> ChangeStorage {
        servers.isEmpty ? .listed([]) : .addingEveryServer
    }

    /// Whether `changes` are exactly one `addSlot` of each of `servers`, in order.
    private static func addsEveryServer(_ changes: [ServerChange], _ servers: [ServerState]) -> Bool {
        guard !changes.isEmpty, changes.count == servers.count else { return false }
        for index in changes.indices {
            guard case .addSlot(let server) = changes[index], server == servers[index] else { return false }
        }
        return true
    }

    /// The number of writes, without building them.
    public var changeCount: Int {
        switch changeStorage {
        case .addingEveryServer: servers.count
        case .listed(let changes): changes.count
        }
    }

    public var status: Status {
        if isNewBackend { return .new }
        if isRetired { return .retired }
        return changeCount == 0 ? .unchanged : .changed
    }

    /// Slots holding an instance.
    public var slotsUsed: Int { assignments.count }
    /// Slots draining after the plan.
    public var slotsDraining: Int { drains.count }
    /// Slots after the plan.
    public var slotsTotal: Int { servers.count }

    /// Creating the backend or any structural server change: needs a transaction and reload.
    public var needsStructuralChange: Bool {
        switch changeStorage {
        case .addingEveryServer: true
        case .listed(let changes): isNewBackend || changes.contains { $0.kind == .structural }
        }
    }

    public var runtimeChanges: [ServerChange] { changes.filter { $0.kind == .runtime } }
    public var structuralChanges: [ServerChange] { changes.filter { $0.kind == .structural } }
}

extension BackendPlan {
    /// Plans compare by what they say, however their changes are kept.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.backendName == rhs.backendName && lhs.serviceKey == rhs.serviceKey && lhs.servers == rhs.servers
            && lhs.changes == rhs.changes && lhs.assignments == rhs.assignments
            && lhs.unmanagedServers == rhs.unmanagedServers && lhs.warnings == rhs.warnings
            && lhs.isNewBackend == rhs.isNewBackend && lhs.isRetired == rhs.isRetired && lhs.drains == rhs.drains
            && lhs.expiredDrains == rhs.expiredDrains
    }

    /// A subset of what ``==`` compares, which is enough for equal plans to hash alike.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(backendName)
        hasher.combine(servers)
        hasher.combine(changeCount)
        hasher.combine(isNewBackend)
        hasher.combine(isRetired)
    }
}
