import Logging
import ProviderKit

/// What `discoveryd plan` computes: the discovered state and the changes a cycle would make.
public struct ChangePlan: Sendable {
    public var snapshot: DiscoverySnapshot
    /// The sink's plan (for HAProxy, a `ReconcilePlan`).
    public var plan: any SinkPlan
    /// `true` when planned against an empty target instead of the real one.
    public var offline: Bool

    /// One line above the table: what the plan is based on, and how many instances were left out and why
    /// (`7 instances from 1 provider: 5 served, 1 stopped, 1 untagged; 2 services`).
    public var header: String {
        let discovery = basis.discovery
        let breakdown = (["\(discovery.served) served"] + discovery.leftOut.map { "\($0.count) \($0.reason)" })
            .joined(separator: ", ")
        return "plan against \(basis.target): \(discovery.instances) instances from \(discovery.providers) "
            + "provider\(discovery.providers == 1 ? "" : "s"): \(breakdown); "
            + "\(discovery.services) service\(discovery.services == 1 ? "" : "s")"
    }

    /// The plan as one JSON document (`plan --format json`): the sink's plan with the basis keys.
    public func json() throws -> String {
        try plan.json(basis: basis)
    }

    /// What the plan was made from and against, for the header and the JSON document.
    public var basis: PlanBasis {
        PlanBasis(
            target: offline ? (plan.offlineTarget ?? "an empty HAProxy (offline)") : "HAProxy's current backends",
            offline: offline,
            discovery: PlanBasis.Discovery(
                instances: snapshot.instances.count,
                providers: snapshot.instancesByProvider.count,
                served: snapshot.instances.count - snapshot.grouping.skipped.count,
                services: snapshot.catalog.services.count,
                leftOut: Self.leftOut(snapshot)
            )
        )
    }

    /// The instances left out, one entry per reason in the order met.
    static func leftOut(_ snapshot: DiscoverySnapshot) -> [PlanBasis.LeftOut] {
        var reasons: [PlanBasis.LeftOut] = []
        for skipped in snapshot.grouping.skipped {
            let reason = shortReason(skipped.reason)
            if let index = reasons.firstIndex(where: { $0.reason == reason }) {
                reasons[index].count += 1
            } else {
                reasons.append(PlanBasis.LeftOut(reason: reason, count: 1))
            }
        }
        return reasons
    }

    private static func shortReason(_ reason: SkippedInstance.Reason) -> String {
        switch reason {
        case .notRunning(let state): "\(state)"
        case .notTagged: "untagged"
        case .filteredOut: "filtered out"
        case .invalidTag: "malformed tag"
        case .noAddress: "without address"
        case .invalidAddress: "invalid address"
        case .duplicateID: "duplicate id"
        case .invalidInstancePort: "malformed instance port"
        }
    }
}

extension DaemonAssembly {
    /// Fetches every provider once, reads the sink's target (unless `offline`) and plans, writing nothing.
    ///
    /// Offline, only the sink kind's planning rules are used: no sink is built and no sink setting is needed.
    ///
    /// - Throws: ``ProviderKit/DiscoveryError`` when a provider fails (a plan from partial data would
    ///   show that provider's services as retired), ``DiscoveryError/Code/drainHeld`` unless `allowDrain` when
    ///   the answer would drain more of the target's live servers than the mass-drain guard allows, the
    ///   reader's error when the target cannot be read, or ``WiringError`` when the selected sink cannot plan.
    public func plan(offline: Bool, allowDrain: Bool = false) async throws -> ChangePlan {
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
            let built = try makeSink()
            guard let sink = built as? any ChangePlanningSink else { throw cannotPlan }
            if !allowDrain, let reporting = built as? any ServingStateReporting,
                let hold = drainGuard.firstAnswerHold(
                    catalog: snapshot.catalog,
                    serving: try await reporting.servingAddresses(),
                    providers: snapshot.instancesByProvider.map(\.provider)
                )
            {
                throw DiscoveryError.drainHeld([hold])
            }
            plan = try await sink.planChanges(for: snapshot.catalog)
        }
        return ChangePlan(snapshot: snapshot, plan: plan.naming(snapshot.instances), offline: offline)
    }
}
