import ProviderKit

/// The Data Plane sink's half of graceful drain (see ``DataPlaneSink``): HAProxy's drain state is runtime
/// state (`admin_state` on the runtime server endpoint), read and written here, never in the configuration.
extension DataPlaneSink {
    /// The slots HAProxy has in `drain` now, per backend: read from the runtime server endpoint for every
    /// owned backend after a fresh read (`everyBackend`, and only when drains are on), else for the backends
    /// with a drain in progress (a reload since may have lost it). Nothing is read while no drain can exist.
    func runtimeDraining(in state: DataPlaneSnapshot, everyBackend: Bool) async throws -> [String: Set<String>] {
        let backends =
            everyBackend
            ? (settings.drainPolicy.isEnabled ? Array(state.servers.keys) : [])
            : drains.keys.filter { state.servers[$0] != nil }
        var draining: [String: Set<String>] = [:]
        for backend in backends.sorted() {
            let states = try await client.runtimeAdminStates(inBackend: backend)
            let ours = drains[backend] ?? [:]
            // A slot of ours reading `maint` takes no new connections either (and keeps its live ones), so
            // there is nothing to write: this also keeps Data Plane API 2.6.5, whose `admin_state` always
            // reads `maint` (dataplaneapi issue #343), from setting `drain` again every cycle.
            draining[backend] = Set(
                states.filter { $0.value == "drain" || ($0.value == "maint" && ours[$0.key] != nil) }.keys
            )
        }
        return draining
    }

    /// Sets the drain states of the cycle, backend by backend; a backend the API refuses (4xx) is reported as
    /// a failed service and added to `failedBackends`, and its other writes wait for the next cycle.
    func setAdminStates(
        _ writes: [AdminStateWrite],
        plan: DataPlanePlan,
        failedBackends: inout Set<String>,
        report: inout SinkReport
    ) async throws {
        for write in writes where !failedBackends.contains(write.backend) {
            do {
                try await client.setRuntimeAdminState(write.state, server: write.change.slotName, inBackend: write.backend)
            } catch let error as DataPlaneError where error.isBackendSpecific {
                failedBackends.insert(write.backend)
                report.failures.append(
                    ServiceFailure(
                        target: write.backend,
                        service: plan.reconcile.backends.first { $0.backendName == write.backend }?.serviceKey,
                        message: error.description
                    )
                )
                continue
            }
            if write.stateOnly {
                record(write.change, in: write.backend, reloaded: false, transactional: false, report: &report)
            }
        }
    }
}

/// A runtime `admin_state` write for a change of a slot's drain state.
struct AdminStateWrite {
    var backend: String
    var change: ServerChange
    /// `drain` or `ready`.
    var state: String
    /// The change is nothing but the state (no configuration write): it counts as written when the state is.
    var stateOnly: Bool

    /// The write a change needs, or `nil` when its drain state does not change or maintenance ends the drain
    /// by itself (freeing a slot: the configuration `PUT` sets `maint`).
    init?(_ change: ServerChange, in backend: String) {
        guard case .updateSlot(_, let to, let fields) = change, fields.contains(.draining), !to.maintenance else {
            return nil
        }
        self.backend = backend
        self.change = change
        self.state = to.draining ? "drain" : "ready"
        self.stateOnly = fields == [.draining]
    }
}
