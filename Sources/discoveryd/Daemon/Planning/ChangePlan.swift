import Logging
import ProviderKit

/// What `discoveryd plan` computes: the discovered state and the changes a cycle would make.
public struct ChangePlan: Sendable {
    public var snapshot: DiscoverySnapshot
    /// The sink's plan (for HAProxy, a `ReconcilePlan`).
    public var plan: any SinkPlan
    /// `true` when planned against an empty target instead of the real one.
    public var offline: Bool

    /// One line above the table: what the plan is based on.
    public var header: String {
        let providers = snapshot.instancesByProvider.count
        let target = offline ? "an empty HAProxy (offline)" : "HAProxy's current backends"
        return "plan against \(target): \(snapshot.instances.count) instances from \(providers) "
            + "provider\(providers == 1 ? "" : "s"), \(snapshot.catalog.services.count) "
            + "service\(snapshot.catalog.services.count == 1 ? "" : "s")"
    }
}

extension DaemonAssembly {
    /// Fetches every provider once, reads the sink's target (unless `offline`) and plans, writing nothing.
    ///
    /// Offline, only the sink kind's planning rules are used: no sink is built and no sink setting is needed.
    ///
    /// - Throws: ``ProviderKit/DiscoveryError`` when a provider fails (a plan from partial data would
    ///   show that provider's services as retired), the reader's error when the target cannot be read, or
    ///   ``WiringError`` when the selected sink cannot plan.
    public func plan(offline: Bool) async throws -> ChangePlan {
        let loop = try makePlanningLoop()
        let snapshot = try await loop.collect()
        for warning in snapshot.grouping.warnings {
            context.logger.warning("\(warning)")
        }
        let cannotPlan = WiringError("the \(configuration.sink.name) sink cannot plan; use --once to apply instead")
        let plan: any SinkPlan
        if offline {
            guard let offlinePlan = try configuration.sink.planOffline(snapshot.catalog) else { throw cannotPlan }
            plan = offlinePlan
        } else {
            guard let sink = try makeSink() as? any ChangePlanningSink else { throw cannotPlan }
            plan = try await sink.planChanges(for: snapshot.catalog)
        }
        return ChangePlan(snapshot: snapshot, plan: plan, offline: offline)
    }
}
