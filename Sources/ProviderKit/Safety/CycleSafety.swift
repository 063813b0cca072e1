/// What the loop remembers between cycles to keep a bad answer from draining servers: the mass-drain guard,
/// each provider's live memberships, and the memberships of the last applied catalog.
struct CycleSafety: Sendable {
    private(set) var drainGuard: DrainGuard
    /// Per provider, the memberships its last taken answer produced (computed when first needed).
    private var memberships: [String: Set<DrainGuard.Membership>] = [:]
    /// The endpoints of the last catalog the sink accepted, by instance.
    private var applied: [InstanceID: [(service: ServiceKey, endpoint: Endpoint)]] = [:]

    init(policy: DrainGuardPolicy) {
        drainGuard = DrainGuard(policy: policy)
    }

    var policy: DrainGuardPolicy { drainGuard.policy }

    /// Whether `answer` from `provider` may replace `previous`, its last taken answer.
    mutating func review(
        provider: String,
        answer: [Instance],
        previous: [Instance]?,
        grouper: ServiceGrouper
    ) -> DrainGuard.Verdict {
        guard policy.isEnabled, let previous else {
            memberships[provider] = nil
            return .take
        }
        if answer == previous {
            drainGuard.reset(provider: provider)
            return .take
        }
        let live = memberships[provider] ?? grouper.group(previous).memberships
        let proposed = grouper.group(answer).memberships
        let verdict = drainGuard.review(provider: provider, answer: answer, live: live, proposed: proposed)
        memberships[provider] = verdict == .take ? proposed : live
        return verdict
    }

    /// Reviews the first answers of `providers` against what the sink serves now.
    mutating func reviewFirstAnswers(
        providers: [String],
        answer: [Instance],
        catalog: ServiceCatalog,
        serving: Set<ServingAddress>
    ) -> DrainGuard.Verdict {
        guard let hold = policy.firstAnswerHold(catalog: catalog, serving: serving, providers: providers) else {
            return .take
        }
        let verdict = drainGuard.review(
            provider: providers.joined(separator: ", "),
            answer: answer,
            drained: hold.wouldDrain,
            live: hold.liveServers
        )
        guard case .hold(var held) = verdict else { return verdict }
        held.providers = providers
        return .hold(held)
    }

    /// `grouping` with every instance that was serving and now has a malformed service tag put back in the
    /// services it served, and one warning per such instance (logged every cycle, as the issue stands).
    func keepingMemberships(_ grouping: GroupingResult) -> (grouping: GroupingResult, warnings: [String]) {
        guard !applied.isEmpty else { return (grouping, []) }
        var result = grouping
        var warnings: [String] = []
        var kept: Set<InstanceID> = []
        for skipped in grouping.skipped {
            guard case .invalidTag = skipped.reason, let previous = applied[skipped.instanceID] else { continue }
            for (service, endpoint) in previous {
                result.catalog.insert(endpoint, into: service)
            }
            kept.insert(skipped.instanceID)
            let services = previous.map { "\($0.service)" }.joined(separator: ", ")
            warnings.append("\(skipped); it was serving, so it keeps serving \(services) as before until the tag is "
                + "fixed or the instance leaves")
        }
        if !kept.isEmpty {
            result.skipped.removeAll { kept.contains($0.instanceID) && $0.reason != .duplicateID }
        }
        return (result, warnings)
    }

    /// Remembers the catalog the sink accepted.
    mutating func recordApplied(_ catalog: ServiceCatalog) {
        var byInstance: [InstanceID: [(service: ServiceKey, endpoint: Endpoint)]] = [:]
        for service in catalog.services.values {
            for endpoint in service.endpoints {
                byInstance[endpoint.instanceID, default: []].append((service.key, endpoint))
            }
        }
        applied = byInstance
    }
}
