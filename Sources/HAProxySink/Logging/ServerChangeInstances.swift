import ProviderKit

/// Which instance each server change of an apply is for, so that a sink's per-server change line names it, as
/// `discoveryd plan` does: `…/srv3: srv3 127.0.0.1:80 weight 100 maint -> srv3 10.0.0.3:8080 weight 100, instance
/// shop-3 (id i-03)`, `…, instance id i-02 left`.
///
/// Who holds a slot after the plan comes from its assignments, who held it before from the sink's previous
/// assignments and drains; names come from the catalog. An instance that left is named by its id only
/// (the catalog no longer has it, and keeping every instance's name between cycles would cost memory at scale),
/// and not at all after a restart of discoveryd. A sink makes one per apply, only when its change lines are logged (`info`),
/// and looks a backend up when it first describes one of its changes: nothing is built for a quiet log.
struct ServerChangeInstances {
    private let catalog: ServiceCatalog
    private let backends: [BackendPlan]
    private let previousAssignments: [String: [InstanceID: String]]
    private let previousDrains: [String: [String: SlotDrain]]
    private var backendIndex: [String: Int]?
    private var current: Backend?

    init(
        catalog: ServiceCatalog,
        plan: ReconcilePlan,
        previousAssignments: [String: [InstanceID: String]],
        previousDrains: [String: [String: SlotDrain]]
    ) {
        self.catalog = catalog
        self.backends = plan.backends
        self.previousAssignments = previousAssignments
        self.previousDrains = previousDrains
    }

    /// The instances of one backend's changes.
    func backend(_ plan: BackendPlan) -> Backend {
        var after: [String: InstanceID] = [:]
        for (id, slot) in plan.assignments { after[slot] = id }
        var before: [String: InstanceID] = [:]
        for (slot, drain) in previousDrains[plan.backendName] ?? [:] { before[slot] = drain.instanceID }
        for (id, slot) in previousAssignments[plan.backendName] ?? [:] { before[slot] = id }
        var names: [InstanceID: String] = [:]
        if let key = plan.serviceKey, let service = catalog.services[key] {
            for endpoint in service.endpoints { names[endpoint.instanceID] = endpoint.instanceName }
        }
        return Backend(after: after, before: before, names: names)
    }

    /// ``Backend/annotation(for:)`` for a sink that describes changes one at a time, backend after backend: the
    /// last backend looked up is kept.
    mutating func annotation(for change: ServerChange, inBackend name: String) -> String {
        if current?.name != name {
            if backendIndex == nil {
                backendIndex = Dictionary(backends.enumerated().map { ($1.backendName, $0) }) { first, _ in first }
            }
            guard let index = backendIndex?[name] else { return "" }
            current = backend(backends[index])
            current?.name = name
        }
        return current?.annotation(for: change) ?? ""
    }

    /// One backend's slot holders, after the plan and before it, and its instances' names.
    struct Backend {
        fileprivate var name = ""
        let after: [String: InstanceID]
        let before: [String: InstanceID]
        let names: [InstanceID: String]

        /// `, instance NAME (id ID)` for the instance a slot serves after `change`, `, instance … left` for the one
        /// that left it, `…, previously instance …` when a slot passes from one to another; empty when unknown.
        func annotation(for change: ServerChange) -> String {
            let slot = change.slotName
            let serves: Bool
            switch change {
            case .addSlot(let server): serves = !server.maintenance
            case .updateSlot(_, let to, _): serves = !to.maintenance && !to.draining
            case .removeSlot: serves = false
            }
            if serves, let id = after[slot] {
                guard let previous = before[slot], previous != id else { return ", " + describe(id) }
                return ", \(describe(id)), previously \(describe(previous))"
            }
            if !serves, let id = before[slot] { return ", \(describe(id)) left" }
            return ""
        }

        private func describe(_ id: InstanceID) -> String {
            let rawID = id.rawValue
            guard let name = names[id] else { return "instance id \(rawID)" }
            return name == rawID ? "instance \(name)" : "instance \(name) (id \(rawID))"
        }
    }
}
