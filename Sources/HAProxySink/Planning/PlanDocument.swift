import Foundation
import ProviderKit

extension PlanRenderer {
    /// The plan as one JSON document with sorted snake_case keys (stable for diffs and tests), described for
    /// the sink that would carry it out. See ``PlanDocument``.
    public static func json(
        _ plan: ReconcilePlan,
        mechanism: Mechanism = .dataPlane,
        names: InstanceNames = InstanceNames(),
        foreignBackends: [String: String] = [:],
        basis: PlanBasis,
        prettyPrinted: Bool = true
    ) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting =
            prettyPrinted ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let document = PlanDocument(
            plan, mechanism: mechanism, names: names, foreignBackends: foreignBackends, basis: basis
        )
        return String(decoding: try encoder.encode(document), as: UTF8.self)
    }
}

/// The JSON shape of `discoveryd plan --format json` (keys in snake_case, sorted).
///
/// The top-level keys are the same for both HAProxy sinks; what differs is documented on each field:
/// - the Data Plane sink creates missing backends (`status: new`), adds and removes slots in a transaction
///   and reloads for those (`needs_reload`, each change's `kind`);
/// - the Runtime API sink never reloads, never creates a backend and never deletes a server: a backend
///   HAProxy lacks is `status: missing` with an entry in `errors` holding the haproxy.cfg lines to add, a
///   slot the Data Plane sink would remove is put in maintenance and kept, and `needs_reload`, `kind` and
///   the reload counts are absent.
public struct PlanDocument: Codable, Hashable, Sendable {
    /// `haproxy-dataplane` or `haproxy-runtime`: the sink that would carry the plan out.
    public var sink: String
    /// What the plan was made against (see ``PlanBasis/target``).
    public var target: String
    public var offline: Bool
    /// The instances listed, served and left out (see ``PlanBasis/Discovery``).
    public var discovery: PlanBasis.Discovery
    /// Nothing would be written and nothing is missing.
    public var noChanges: Bool
    /// Applying the plan now would fail (`discoveryd plan` then exits 1); the reasons are in ``errors``.
    public var applyWouldFail: Bool
    public var counts: Counts
    public var backends: [Backend]
    /// What would make the apply fail, one entry per backend; always empty for the Data Plane sink.
    public var errors: [PlanError]
    public var skipped: [Skipped]
    public var warnings: [PlanWarning]

    /// Totals over ``backends``. Fields a sink has no use for are absent, never zero.
    public struct Counts: Codable, Hashable, Sendable {
        public var backends: Int
        /// Data Plane sink only: backends the plan creates.
        public var newBackends: Int?
        /// Runtime API sink only: backends HAProxy lacks (each one an entry in ``PlanDocument/errors``).
        public var missingBackends: Int?
        public var changedBackends: Int
        public var retiredBackends: Int
        public var unchangedBackends: Int
        /// Every server written.
        public var serversChanged: Int
        public var serversUpdated: Int
        /// Slots created (Data Plane: in the transaction; Runtime API: `add server`).
        public var slotsAdded: Int
        /// Data Plane sink only: slots deleted.
        public var slotsRemoved: Int?
        /// Data Plane sink only: writes taken without a reload.
        public var runtimeChanges: Int?
        /// Data Plane sink only: writes that need a transaction and reload.
        public var structuralChanges: Int?
        public var slotsUsed: Int
        public var slotsTotal: Int
        public var skippedServices: Int
        public var warnings: Int
    }

    public struct Backend: Codable, Hashable, Sendable {
        public enum Status: String, Codable, Hashable, Sendable {
            /// Data Plane sink: the backend is created.
            case new
            /// Runtime API sink: HAProxy has no such backend and the sink cannot create one, or has one that
            /// is not discoveryd's (see `errors`).
            case missing
            case changed
            case retired
            case unchanged
        }

        public var name: String
        public var status: Status
        public var service: Service?
        /// Slots holding an instance after the plan (0 for a missing backend).
        public var slotsUsed: Int
        /// Slots after the plan (0 for a missing backend).
        public var slotsTotal: Int
        /// Data Plane sink only: the backend is created or a slot added, removed or made backup (a reload).
        public var needsReload: Bool?
        public var changes: [Change]
        /// Instance id → slot name.
        public var assignments: [String: String]
        public var unmanagedServers: [String]
        /// Slots draining after the plan (`haproxy.drain_seconds`): their instance left, they are freed at
        /// `until`.
        public var draining: [Drain]
    }

    /// A slot draining: not free until `until`.
    public struct Drain: Codable, Hashable, Sendable {
        public var slot: String
        /// The instance that left, when known.
        public var instanceId: String?
        public var address: String
        public var port: Int
        /// ISO 8601, UTC.
        public var until: String
    }

    public struct Service: Codable, Hashable, Sendable {
        public var name: String
        public var port: Int
        public var region: String
    }

    /// One server written.
    public struct Change: Codable, Hashable, Sendable {
        public enum Action: String, Codable, Hashable, Sendable {
            /// A slot created. The Runtime API sink does it with `add server`, without a reload.
            case add
            case update
            /// Data Plane sink only: a slot deleted (the Runtime API sink puts it in maintenance instead).
            case remove
        }

        public var slot: String
        public var action: Action
        /// Data Plane sink only: `runtime` (no reload) or `structural` (transaction and reload).
        public var kind: ServerChangeKind?
        public var fields: [ServerField]
        public var from: ServerState?
        public var to: ServerState?
        /// The instance the slot serves after the change, when it serves one.
        public var instance: String?
        /// The instance the slot served before the change, when the catalog knows it.
        public var previousInstance: String?
    }

    /// Why applying the plan would fail for one backend.
    public struct PlanError: Codable, Hashable, Sendable {
        public var backend: String
        public var service: Service?
        public var message: String
        /// The haproxy.cfg lines that fix it (add them, then reload HAProxy once); empty when the fix is
        /// not to add lines (a backend that exists but is not discoveryd's).
        public var haproxyCfg: [String]
    }

    public struct Skipped: Codable, Hashable, Sendable {
        public var service: Service
        public var reason: String
    }

    public init(
        _ plan: ReconcilePlan,
        mechanism: PlanRenderer.Mechanism,
        names: InstanceNames = InstanceNames(),
        foreignBackends: [String: String] = [:],
        basis: PlanBasis
    ) {
        target = basis.target
        offline = basis.offline
        discovery = basis.discovery
        skipped = plan.skipped.map { Skipped(service: Service($0.key), reason: $0.reason.description) }
        switch mechanism {
        case .dataPlane:
            sink = "haproxy-dataplane"
            backends = plan.backends.map { Backend(dataPlane: $0, names: names) }
            errors = []
            warnings = plan.warnings
            counts = Counts(plan.counts)
            noChanges = plan.isNoOp
        case .runtimeAPI(let settings):
            sink = "haproxy-runtime"
            var warnings = plan.warnings
            var errors: [PlanError] = []
            backends = plan.backends.map { backend in
                guard !backend.isNewBackend else {
                    if let reason = foreignBackends[backend.backendName] {
                        errors.append(PlanError(notOwned: backend, reason: reason))
                    } else {
                        errors.append(PlanError(missing: backend, settings: settings))
                    }
                    return Backend(missing: backend)
                }
                // The sink's own translation decides what it cannot do (a `backup` change): same warnings.
                warnings += RuntimeChangeTranslator().translate(backend, actual: [], usesHealthChecks: true).warnings
                return Backend(runtime: backend, names: names)
            }
            self.errors = errors
            self.warnings = warnings
            counts = Counts(runtime: backends, skipped: plan.skipped.count, warnings: warnings.count)
            noChanges = counts.serversChanged == 0 && errors.isEmpty
        }
        applyWouldFail = !errors.isEmpty
    }
}

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
