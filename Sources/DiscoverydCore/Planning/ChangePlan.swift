import HAProxySink
import Logging
import ProviderKit

/// What `discoveryd plan` computes: the discovered state and the changes a cycle would make.
public struct ChangePlan: Sendable {
    public var snapshot: DiscoverySnapshot
    public var plan: ReconcilePlan
    /// `true` when planned against an empty HAProxy instead of the real one.
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
    /// Fetches every provider once, reads HAProxy (unless `offline`) and plans, writing nothing.
    ///
    /// - Throws: ``ProviderKit/DiscoveryError`` when a provider fails (a plan from partial data would
    ///   show that provider's services as retired) or, unless `allowDrain`, when the answer would drain
    ///   more of HAProxy's live servers than the mass-drain guard allows (``DiscoveryError/Code/drainHeld``);
    ///   or the reader's error when HAProxy cannot be read.
    public func plan(offline: Bool, allowDrain: Bool = false) async throws -> ChangePlan {
        let settings = try HAProxySinkSettings(configuration.haproxy)
        let loop = try makePlanningLoop()
        let snapshot = try await loop.collect()
        for warning in snapshot.grouping.warnings {
            context.logger.warning("\(warning)")
        }
        if offline {
            let plan = ReconcilePlanner(settings: settings).plan(catalog: snapshot.catalog, actual: [:])
            return ChangePlan(snapshot: snapshot, plan: plan, offline: offline)
        }
        let sink = try SinkFactory.makePlanningSink(for: configuration, context: context)
        if !allowDrain,
            let hold = drainGuard.firstAnswerHold(
                catalog: snapshot.catalog,
                serving: try await sink.servingAddresses(),
                providers: snapshot.instancesByProvider.map(\.provider)
            )
        {
            throw DiscoveryError.drainHeld([hold])
        }
        let plan = try await sink.planAgainstActualState(snapshot.catalog)
        return ChangePlan(snapshot: snapshot, plan: plan, offline: offline)
    }
}
