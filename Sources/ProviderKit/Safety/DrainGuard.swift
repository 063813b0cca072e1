/// The mass-drain guard's state machine: decides, per provider and cycle, whether a successful answer is
/// taken or held, and counts identical held answers towards confirmation. Pure; the loop owns one.
///
/// "Live servers a provider feeds" are the (service, instance) memberships its last taken answer produced;
/// the answer under review is compared with them.
struct DrainGuard: Sendable {
    /// A membership: one instance serving one service.
    struct Membership: Hashable, Sendable {
        var service: ServiceKey
        var instance: InstanceID
    }

    enum Verdict: Equatable, Sendable {
        case take
        case hold(DrainHold)
    }

    var policy: DrainGuardPolicy
    /// The answer being held per provider, and how many times in a row it came.
    private var pending: [String: (answer: [Instance], seen: Int)] = [:]

    init(policy: DrainGuardPolicy) {
        self.policy = policy
    }

    /// Reviews `answer` from `provider`, given the memberships its last taken answer produced (`live`) and
    /// the ones `answer` produces (`proposed`).
    mutating func review(
        provider: String,
        answer: [Instance],
        live: Set<Membership>,
        proposed: Set<Membership>
    ) -> Verdict {
        let drained = live.subtracting(proposed).count
        return review(provider: provider, answer: answer, drained: drained, live: live.count)
    }

    /// Reviews an answer known to drain `drained` of `live` servers.
    mutating func review(provider: String, answer: [Instance], drained: Int, live: Int) -> Verdict {
        guard policy.needsConfirmation(drained: drained, live: live) else {
            pending[provider] = nil
            return .take
        }
        var seen = 1
        if let held = pending[provider], held.answer == answer { seen = held.seen + 1 }
        if seen >= policy.confirmCycles {
            pending[provider] = nil
            return .take
        }
        pending[provider] = (answer, seen)
        return .hold(
            DrainHold(
                provider: provider,
                wouldDrain: drained,
                liveServers: live,
                seen: seen,
                confirmCycles: policy.confirmCycles
            )
        )
    }

    /// Forgets a provider's held answer (it failed, or answered with something that is not a drain).
    mutating func reset(provider: String) {
        pending[provider] = nil
    }
}

extension GroupingResult {
    /// Every (service, instance) membership of the catalog.
    var memberships: Set<DrainGuard.Membership> {
        var result: Set<DrainGuard.Membership> = []
        result.reserveCapacity(catalog.endpointCount)
        for service in catalog.services.values {
            for endpoint in service.endpoints {
                result.insert(DrainGuard.Membership(service: service.key, instance: endpoint.instanceID))
            }
        }
        return result
    }
}

/// A sink that can say which servers take traffic right now, so that the mass-drain guard can judge the
/// first cycle of a process (`--once`, `plan`, a daemon start), when no earlier answer is there to compare.
public protocol ServingStateReporting: Sendable {
    /// The address and port of every server that serves traffic now in what the sink manages (not in
    /// maintenance, not a free slot). Writes nothing.
    func servingAddresses() async throws -> Set<ServingAddress>
}

/// Where one live server sends traffic.
public struct ServingAddress: Hashable, Sendable {
    public var address: String
    public var port: Int

    public init(address: String, port: Int) {
        self.address = address
        self.port = port
    }
}

extension DrainGuardPolicy {
    /// The hold for a first answer (no earlier one to compare): `serving` is what the sink serves now,
    /// `catalog` what the answer would make it serve. `nil` when the answer may be applied.
    public func firstAnswerHold(
        catalog: ServiceCatalog,
        serving: Set<ServingAddress>,
        providers: [String]
    ) -> DrainHold? {
        var proposed: Set<ServingAddress> = []
        for service in catalog.services.values {
            for endpoint in service.endpoints {
                proposed.insert(ServingAddress(address: endpoint.address, port: endpoint.port))
            }
        }
        let drained = serving.subtracting(proposed).count
        guard needsConfirmation(drained: drained, live: serving.count) else { return nil }
        return DrainHold(
            provider: providers.joined(separator: ", "),
            providers: providers,
            wouldDrain: drained,
            liveServers: serving.count,
            seen: 1,
            confirmCycles: confirmCycles
        )
    }
}
