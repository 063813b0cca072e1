import Foundation
import ProviderKit

/// Plans every managed backend for a catalog: the single source of truth for both HAProxy sinks and the
/// `plan` command, so `plan` shows exactly what a sink then does.
///
/// Pure: the caller reads the actual state (only backends whose name ``BackendNaming/isManaged(backendName:)``;
/// others are ignored) and keeps the assignments of its last successful apply.
///
/// - Each service of the catalog gets a backend plan (``BackendPlan/isNewBackend`` when HAProxy lacks it).
/// - A managed backend whose service vanished is retired: every server becomes a placeholder in
///   maintenance; the backend itself is kept (frontends may still refer to it) and never deleted.
/// - Services without a usable backend name, or whose sanitised name collides with another's, are skipped
///   with the reason.
public struct ReconcilePlanner: Sendable {
    public var settings: HAProxySinkSettings

    public init(settings: HAProxySinkSettings = HAProxySinkSettings()) {
        self.settings = settings
    }

    /// - Parameters:
    ///   - catalog: the complete desired state.
    ///   - actual: the servers of each existing managed backend, by backend name.
    ///   - previousAssignments: per backend, the assignments of the last successful apply (may be empty).
    ///   - drains: per backend, the drains of the last successful apply by slot name (may be empty).
    ///   - now: the time drains are judged at (the sink's clock); irrelevant with `drain_seconds` 0 and no drains.
    public func plan(
        catalog: ServiceCatalog,
        actual: [String: [ServerState]],
        previousAssignments: [String: [InstanceID: String]] = [:],
        drains: [String: [String: SlotDrain]] = [:],
        now: Date = Date(timeIntervalSince1970: 0)
    ) -> ReconcilePlan {
        func drainInput(_ backendName: String) -> DrainInput {
            DrainInput(policy: settings.drainPolicy, drains: drains[backendName] ?? [:], now: now)
        }
        var backends: [BackendPlan] = []
        backends.reserveCapacity(catalog.services.count)
        var skipped: [SkippedService] = []
        var warnings: [PlanWarning] = []
        var owners: [String: ServiceKey] = [:]
        owners.reserveCapacity(catalog.services.count)
        let serverSettings = settings.serverSettings
        let slotPolicy = settings.slotPolicy

        for service in catalog.sorted {
            let backendName: String
            switch settings.naming.backendName(for: service.key) {
            case .valid(let name):
                backendName = name
            case .sanitised(let name, let original):
                backendName = name
                warnings.append(
                    PlanWarning(
                        backend: name,
                        message: "service \(service.key) has characters HAProxy rejects in \"\(original)\"; "
                            + "replaced by _"
                    )
                )
            case .unusable(let reason):
                skipped.append(SkippedService(key: service.key, reason: .unusableName(reason)))
                continue
            }
            if let owner = owners[backendName] {
                skipped.append(
                    SkippedService(key: service.key, reason: .nameCollision(backend: backendName, with: owner))
                )
                continue
            }
            owners[backendName] = service.key

            var backendWarnings: [PlanWarning] = []
            var endpointSettings: [ServerSettings] = []
            endpointSettings.reserveCapacity(service.endpoints.count)
            // Read each endpoint in place: copying it out of the array would retain and release its id and tags.
            service.endpoints.withUnsafeBufferPointer { endpoints in
                for index in endpoints.indices {
                    endpointSettings.append(
                        serverSettings.settings(for: endpoints[index], backend: backendName, warnings: &backendWarnings)
                    )
                }
            }
            // The slot planner reads the endpoints themselves (see `SlotPlanner.plan(endpoints:settings:)`).
            var plan = SlotPlanner(
                backendName: backendName,
                serviceKey: service.key,
                actualServers: actual[backendName],
                desired: [],
                previousAssignments: previousAssignments[backendName] ?? [:],
                slotPolicy: slotPolicy,
                placeholderWeight: serverSettings.weight,
                drain: drainInput(backendName)
            ).plan(endpoints: service.endpoints, settings: endpointSettings)
            plan.warnings = backendWarnings + plan.warnings
            warnings += plan.warnings
            backends.append(plan)
        }

        // By name, so that the warnings come in the same order on every run (a dictionary's order differs
        // between processes).
        let retired = actual.keys.filter { owners[$0] == nil && settings.naming.isManaged(backendName: $0) }.sorted()
        for backendName in retired {
            let servers = actual[backendName] ?? []
            let plan = SlotPlanner(
                backendName: backendName,
                actualServers: servers,
                desired: [],
                slotPolicy: settings.slotPolicy,
                placeholderWeight: settings.serverSettings.weight,
                isRetired: true,
                drain: drainInput(backendName)
            ).plan()
            warnings += plan.warnings
            backends.append(plan)
        }

        backends.sort { $0.backendName < $1.backendName }
        return ReconcilePlan(backends: backends, skipped: skipped, warnings: warnings)
    }
}
