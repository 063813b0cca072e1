import Foundation
import ProviderKit

// The planner's types (`BackendPlan`, `ServerChange`, `PlanCounts`, ...) as the parts of a ``PlanDocument``.

extension PlanDocument.Service {
    init(_ key: ServiceKey) {
        self.init(name: key.name, port: key.port, region: key.region)
    }
}

extension PlanDocument.Counts {
    init(_ counts: PlanCounts) {
        self.init(
            backends: counts.backends,
            newBackends: counts.newBackends,
            changedBackends: counts.changedBackends,
            retiredBackends: counts.retiredBackends,
            unchangedBackends: counts.unchangedBackends,
            serversChanged: counts.serversChanged,
            serversUpdated: counts.serversUpdated,
            slotsAdded: counts.slotsAdded,
            slotsRemoved: counts.slotsRemoved,
            runtimeChanges: counts.runtimeChanges,
            structuralChanges: counts.structuralChanges,
            slotsUsed: counts.slotsUsed,
            slotsTotal: counts.slotsTotal,
            skippedServices: counts.skippedServices,
            warnings: counts.warnings
        )
    }

    init(runtime backends: [PlanDocument.Backend], skipped: Int, warnings: Int) {
        let changes = backends.flatMap(\.changes)
        let count = { (status: PlanDocument.Backend.Status) in backends.count(where: { $0.status == status }) }
        self.init(
            backends: backends.count,
            missingBackends: count(.missing),
            changedBackends: count(.changed),
            retiredBackends: count(.retired),
            unchangedBackends: count(.unchanged),
            serversChanged: changes.count,
            serversUpdated: changes.count(where: { $0.action == .update }),
            slotsAdded: changes.count(where: { $0.action == .add }),
            slotsUsed: backends.reduce(0) { $0 + $1.slotsUsed },
            slotsTotal: backends.reduce(0) { $0 + $1.slotsTotal },
            skippedServices: skipped,
            warnings: warnings
        )
    }
}

extension PlanDocument.Backend {
    init(dataPlane backend: BackendPlan, names: InstanceNames) {
        let occupants = names.occupants(of: backend)
        self.init(
            name: backend.backendName,
            status: Status(backend.status),
            service: backend.serviceKey.map(PlanDocument.Service.init),
            slotsUsed: backend.slotsUsed,
            slotsTotal: backend.slotsTotal,
            needsReload: backend.needsStructuralChange,
            changes: backend.changes.map { PlanDocument.Change($0, occupants: occupants, names: names) },
            assignments: Self.assignments(backend),
            unmanagedServers: backend.unmanagedServers.map(\.name),
            draining: Self.draining(backend)
        )
    }

    /// As the Runtime API sink writes it: a removal is a slot put in maintenance (or nothing, when it is in
    /// maintenance already), a `backup` difference is left to the warnings, every slot is kept.
    init(runtime backend: BackendPlan, names: InstanceNames) {
        let occupants = names.occupants(of: backend)
        var changes: [PlanDocument.Change] = []
        var keptSlots = 0
        for change in backend.changes {
            switch change {
            case .addSlot:
                changes.append(PlanDocument.Change(change, occupants: occupants, names: names, withKind: false))
            case .updateSlot(let from, var to, let fields):
                let written = fields.filter { $0 != .backup }
                guard !written.isEmpty else { continue }
                to.backup = from.backup
                let update = ServerChange.updateSlot(from: from, to: to, fields: written)
                changes.append(PlanDocument.Change(update, occupants: occupants, names: names, withKind: false))
            case .removeSlot(let server):
                keptSlots += 1
                guard !server.maintenance else { continue }
                var freed = server
                freed.maintenance = true
                let update = ServerChange.updateSlot(from: server, to: freed, fields: [.maintenance])
                changes.append(PlanDocument.Change(update, occupants: [:], names: names, withKind: false))
            }
        }
        let status: Status = backend.isRetired ? .retired : changes.isEmpty ? .unchanged : .changed
        self.init(
            name: backend.backendName,
            status: status,
            service: backend.serviceKey.map(PlanDocument.Service.init),
            slotsUsed: backend.slotsUsed,
            slotsTotal: backend.slotsTotal + keptSlots,
            needsReload: nil,
            changes: changes,
            assignments: Self.assignments(backend),
            unmanagedServers: backend.unmanagedServers.map(\.name),
            draining: Self.draining(backend)
        )
    }

    /// A backend HAProxy lacks: the Runtime API sink writes nothing to it and assigns no slot.
    init(missing backend: BackendPlan) {
        self.init(
            name: backend.backendName,
            status: .missing,
            service: backend.serviceKey.map(PlanDocument.Service.init),
            slotsUsed: 0,
            slotsTotal: 0,
            needsReload: nil,
            changes: [],
            assignments: [:],
            unmanagedServers: [],
            draining: []
        )
    }

    private static func draining(_ backend: BackendPlan) -> [PlanDocument.Drain] {
        backend.drains.map { drain in
            PlanDocument.Drain(
                slot: drain.slot, instanceId: drain.instanceID?.rawValue, address: drain.address, port: drain.port,
                until: PlanRenderer.timestamp(drain.until)
            )
        }
    }

    private static func assignments(_ backend: BackendPlan) -> [String: String] {
        Dictionary(uniqueKeysWithValues: backend.assignments.map { ($0.key.rawValue, $0.value) })
    }
}

extension PlanDocument.Backend.Status {
    init(_ status: BackendPlan.Status) {
        switch status {
        case .new: self = .new
        case .changed: self = .changed
        case .retired: self = .retired
        case .unchanged: self = .unchanged
        }
    }
}

extension PlanDocument.Change {
    init(_ change: ServerChange, occupants: [String: String], names: InstanceNames, withKind: Bool = true) {
        let kind = withKind ? change.kind : nil
        func instance(after server: ServerState) -> String? {
            server.isPlaceholder || server.maintenance ? nil : occupants[server.name] ?? names.name(at: server)
        }
        func instance(before server: ServerState) -> String? {
            server.isPlaceholder ? nil : names.name(at: server)
        }
        switch change {
        case .addSlot(let server):
            self.init(
                slot: server.name, action: .add, kind: kind, fields: [], from: nil, to: server,
                instance: instance(after: server), previousInstance: nil
            )
        case .updateSlot(let from, let to, let fields):
            self.init(
                slot: to.name, action: .update, kind: kind, fields: fields, from: from, to: to,
                instance: instance(after: to), previousInstance: instance(before: from)
            )
        case .removeSlot(let server):
            self.init(
                slot: server.name, action: .remove, kind: kind, fields: [], from: server, to: nil,
                instance: nil, previousInstance: instance(before: server)
            )
        }
    }
}

extension PlanDocument.PlanError {
    /// The Runtime API cannot create a backend: the lines to add to haproxy.cfg, as `plan` prints them.
    init(missing backend: BackendPlan, settings: HAProxySinkSettings) {
        self.init(
            backend: backend.backendName,
            service: backend.serviceKey.map(PlanDocument.Service.init),
            message: "HAProxy has no backend \(backend.backendName) and the Runtime API cannot create one; add "
                + "these lines to haproxy.cfg and reload HAProxy once",
            haproxyCfg: RuntimeAPISinkError.missing([backend], settings: settings).configurationLines
        )
    }
}

extension PlanDocument.PlanError {
    /// HAProxy has the backend, but discoveryd may not write it (``RuntimeBackendOwnership``).
    init(notOwned backend: BackendPlan, reason: String) {
        self.init(
            backend: backend.backendName,
            service: backend.serviceKey.map(PlanDocument.Service.init),
            message: Self.notOwned(backend.backendName, reason: reason),
            haproxyCfg: []
        )
    }

    /// The sentence for a backend that exists but is not discoveryd's, for the table and the JSON.
    static func notOwned(_ backend: String, reason: String) -> String {
        "HAProxy has a backend \(backend) but it is not discoveryd's (\(reason)), so nothing is written to it; "
            + "rename the service, or list the backend in haproxy.runtime_backends"
    }
}
