import Foundation
import ProviderKit

/// A ``ReconcilePlan`` for the Data Plane API, plus the bodies of the backends it creates.
public struct DataPlanePlan: Hashable, Sendable {
    public var reconcile: ReconcilePlan
    /// The creation body of each new backend, by name.
    public var newBackends: [String: [String: JSONValue]]

    public var isNoOp: Bool { reconcile.isNoOp }
}

/// Plans a Data Plane cycle: the shared ``ReconcilePlanner`` applied to a ``DataPlaneSnapshot``, with what
/// only the Data Plane API can see added:
/// - a slot whose other parameters (`check`, `cookie`, anything added by hand) differ from what discoveryd
///   writes gets the ``ServerField/parameters`` field, so it is rewritten in the transaction;
/// - a service whose backend name is taken by a backend without the ownership marker is left out instead of
///   trying to create it, and every such unmarked lookalike is named in a warning that says to run
///   `discoveryd adopt`.
///
/// Pure: the sink and `discoveryd plan` use the same function, so `plan` shows what the sink then does.
public struct DataPlanePlanner: Sendable {
    public var settings: HAProxySinkSettings

    public init(settings: HAProxySinkSettings) {
        self.settings = settings
    }

    /// - Parameters:
    ///   - drains: per backend, the drains of the last successful apply by slot (see ``SlotDrain``).
    ///   - runtimeDraining: per backend, the slots HAProxy has in `drain` now. The drain state is runtime
    ///     only (`admin_state`), never in the configuration the snapshot holds, so it is laid over it here.
    ///   - now: the time drains are judged at.
    public func plan(
        catalog: ServiceCatalog,
        snapshot: DataPlaneSnapshot,
        previousAssignments: [String: [InstanceID: String]] = [:],
        drains: [String: [String: SlotDrain]] = [:],
        runtimeDraining: [String: Set<String>] = [:],
        now: Date = Date(timeIntervalSince1970: 0)
    ) -> DataPlanePlan {
        let actual = Self.actualServers(of: snapshot, runtimeDraining: runtimeDraining)
        let shared = ReconcilePlanner(settings: settings).plan(
            catalog: catalog,
            actual: actual,
            previousAssignments: previousAssignments,
            drains: drains,
            now: now
        )

        var backends: [BackendPlan] = []
        var warnings = shared.warnings
        var newBackends: [String: [String: JSONValue]] = [:]
        for var backend in shared.backends {
            if backend.isNewBackend {
                if snapshot.foreignBackends.contains(backend.backendName) {
                    // Said once below, for every unmarked lookalike.
                    continue
                }
                let options = backend.serviceKey.map { settings.backendOptions(for: $0) } ?? [:]
                newBackends[backend.backendName] = DataPlaneBackendFormat.fields(
                    forBackend: backend.backendName,
                    settings: settings,
                    options: options
                )
            } else if let servers = snapshot.servers[backend.backendName] {
                backend.changes = Self.repairingParameters(backend, actual: servers)
            }
            backends.append(backend)
        }
        for name in snapshot.foreignBackends.sorted() where settings.naming.followsScheme(backendName: name) {
            warnings.append(Self.unmarkedLookalike(name))
        }
        return DataPlanePlan(
            reconcile: ReconcilePlan(backends: backends, skipped: shared.skipped, warnings: warnings),
            newBackends: newBackends
        )
    }

    /// The servers of each backend as the planner compares them: the configuration, with the slots HAProxy
    /// has in `drain` at runtime marked draining (unless the configuration puts them in maintenance).
    static func actualServers(
        of snapshot: DataPlaneSnapshot,
        runtimeDraining: [String: Set<String>]
    ) -> [String: [ServerState]] {
        var actual = snapshot.servers.mapValues { $0.map(DataPlaneServerFormat.state(of:)) }
        for (backend, slots) in runtimeDraining where !slots.isEmpty {
            guard var servers = actual[backend] else { continue }
            for index in servers.indices where slots.contains(servers[index].name) && !servers[index].maintenance {
                servers[index].draining = true
            }
            actual[backend] = servers
        }
        return actual
    }

    /// A backend named like one of discoveryd's but without the marker (typically made by the Python daemon).
    static func unmarkedLookalike(_ name: String) -> PlanWarning {
        PlanWarning(
            backend: name,
            message: "is named like a discoveryd backend but carries no \"\(DataPlaneBackendFormat.marker)\" "
                + "marker, so it is left alone; run `discoveryd adopt` to take it over without moving its servers"
        )
    }

    /// The backend's changes with every drifted slot rewritten in full, ordered by slot index.
    private static func repairingParameters(_ backend: BackendPlan, actual: [DataPlaneServer]) -> [ServerChange] {
        let drifted = Set(
            actual.filter { SlotName.index(of: $0.name) != nil && DataPlaneServerFormat.hasParameterDrift($0) }.map(\.name)
        )
        guard !drifted.isEmpty else { return backend.changes }
        var changes: [ServerChange] = []
        var handled = Set<String>()
        for change in backend.changes {
            if case .updateSlot(let from, let to, let fields) = change, drifted.contains(to.name) {
                changes.append(.updateSlot(from: from, to: to, fields: fields + [.parameters]))
                handled.insert(to.name)
            } else {
                changes.append(change)
                if case .removeSlot(let server) = change { handled.insert(server.name) }
            }
        }
        let actualByName = Dictionary(actual.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for planned in backend.servers where drifted.contains(planned.name) && !handled.contains(planned.name) {
            guard let existing = actualByName[planned.name] else { continue }
            changes.append(.updateSlot(from: DataPlaneServerFormat.state(of: existing), to: planned, fields: [.parameters]))
        }
        return changes.enumerated().sorted { lhs, rhs in
            let left = SlotName.index(of: lhs.element.slotName) ?? Int.max
            let right = SlotName.index(of: rhs.element.slotName) ?? Int.max
            return left == right ? lhs.offset < rhs.offset : left < right
        }.map(\.element)
    }
}
