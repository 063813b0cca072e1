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
