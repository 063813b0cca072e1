import ProviderKit

/// Everything the HAProxy sinks will do for one catalog: the output of ``ReconcilePlanner``.
public struct ReconcilePlan: Hashable, Sendable {
    /// Every backend of a current service plus every retired managed backend, sorted by name.
    public var backends: [BackendPlan]
    /// Services that get no backend, with the reason.
    public var skipped: [SkippedService]
    /// Every warning, including the backends' own.
    public var warnings: [PlanWarning]

    public init(backends: [BackendPlan], skipped: [SkippedService] = [], warnings: [PlanWarning] = []) {
        self.backends = backends
        self.skipped = skipped
        self.warnings = warnings
        self.counts = PlanCounts(backends: backends, skipped: skipped.count, warnings: warnings.count)
    }

    public private(set) var counts: PlanCounts

    /// Nothing to write anywhere.
    public var isNoOp: Bool { counts.serversChanged == 0 && counts.newBackends == 0 }

    /// Per backend, the slot of each instance: what a sink keeps after a successful apply and passes back
    /// as the previous assignments of the next plan.
    public var assignments: [String: [InstanceID: String]] {
        var result: [String: [InstanceID: String]] = [:]
        for backend in backends where !backend.assignments.isEmpty {
            result[backend.backendName] = backend.assignments
        }
        return result
    }

    /// Per backend, the slots draining after the plan by slot name: what a sink keeps after a successful
    /// apply and passes back as the drains of the next plan.
    public var drains: [String: [String: SlotDrain]] {
        var result: [String: [String: SlotDrain]] = [:]
        for backend in backends where !backend.drains.isEmpty {
            result[backend.backendName] = Dictionary(backend.drains.map { ($0.slot, $0) }, uniquingKeysWith: { $1 })
        }
        return result
    }

    /// The backend of a given name, if planned.
    public func backend(named name: String) -> BackendPlan? {
        backends.first { $0.backendName == name }
    }
}

/// Totals of a ``ReconcilePlan``, for logs, reports and the `plan` summary.
public struct PlanCounts: Hashable, Sendable, Codable {
    public var backends: Int
    public var newBackends: Int
    public var changedBackends: Int
    public var retiredBackends: Int
    public var unchangedBackends: Int
    /// Every server write (adds, updates and removals).
    public var serversChanged: Int
    public var serversUpdated: Int
    public var slotsAdded: Int
    public var slotsRemoved: Int
    /// Writes HAProxy takes without a reload.
    public var runtimeChanges: Int
    /// Writes that need a configuration change and reload.
    public var structuralChanges: Int
    public var slotsUsed: Int
    public var slotsTotal: Int
    public var skippedServices: Int
    public var warnings: Int

    init(backends plans: [BackendPlan], skipped: Int, warnings: Int) {
        var counts = PlanCounts.zero
        counts.backends = plans.count
        for plan in plans {
            switch plan.status {
            case .new: counts.newBackends += 1
            case .changed: counts.changedBackends += 1
            case .retired: counts.retiredBackends += 1
            case .unchanged: counts.unchangedBackends += 1
            }
            counts.slotsUsed += plan.slotsUsed
            counts.slotsTotal += plan.slotsTotal
            guard case .listed(let changes) = plan.changeStorage else {
                // A new backend adding every planned server: structural adds, counted without building them.
                counts.serversChanged += plan.servers.count
                counts.slotsAdded += plan.servers.count
                counts.structuralChanges += plan.servers.count
                continue
            }
            for change in changes {
                counts.serversChanged += 1
                switch change {
                case .addSlot: counts.slotsAdded += 1
                case .updateSlot: counts.serversUpdated += 1
                case .removeSlot: counts.slotsRemoved += 1
                }
                switch change.kind {
                case .runtime: counts.runtimeChanges += 1
                case .structural: counts.structuralChanges += 1
                }
            }
        }
        counts.skippedServices = skipped
        counts.warnings = warnings
        self = counts
    }

    private static let zero = PlanCounts(
        backends: 0,
        newBackends: 0,
        changedBackends: 0,
        retiredBackends: 0,
        unchangedBackends: 0,
        serversChanged: 0,
        serversUpdated: 0,
        slotsAdded: 0,
        slotsRemoved: 0,
        runtimeChanges: 0,
        structuralChanges: 0,
        slotsUsed: 0,
        slotsTotal: 0,
        skippedServices: 0,
        warnings: 0
    )

    private init(
        backends: Int,
        newBackends: Int,
        changedBackends: Int,
        retiredBackends: Int,
        unchangedBackends: Int,
        serversChanged: Int,
        serversUpdated: Int,
        slotsAdded: Int,
        slotsRemoved: Int,
        runtimeChanges: Int,
        structuralChanges: Int,
        slotsUsed: Int,
        slotsTotal: Int,
        skippedServices: Int,
        warnings: Int
    ) {
        self.backends = backends
        self.newBackends = newBackends
        self.changedBackends = changedBackends
        self.retiredBackends = retiredBackends
        self.unchangedBackends = unchangedBackends
        self.serversChanged = serversChanged
        self.serversUpdated = serversUpdated
        self.slotsAdded = slotsAdded
        self.slotsRemoved = slotsRemoved
        self.runtimeChanges = runtimeChanges
        self.structuralChanges = structuralChanges
        self.slotsUsed = slotsUsed
        self.slotsTotal = slotsTotal
        self.skippedServices = skippedServices
        self.warnings = warnings
    }
}

/// A service that gets no backend.
public struct SkippedService: Hashable, Sendable, CustomStringConvertible {
    public var key: ServiceKey
    public var reason: Reason

    public init(key: ServiceKey, reason: Reason) {
        self.key = key
        self.reason = reason
    }

    public enum Reason: Hashable, Sendable, CustomStringConvertible {
        /// Nothing of the name is usable in an HAProxy backend name.
        case unusableName(String)
        /// After sanitising, its backend name equals that of another service, which keeps it.
        case nameCollision(backend: String, with: ServiceKey)

        public var description: String {
            switch self {
            case .unusableName(let reason): reason
            case .nameCollision(let backend, let other):
                "backend name \(backend) is already used by service \(other); rename one of the services"
            }
        }
    }

    public var description: String { "service \(key) skipped: \(reason)" }
}
