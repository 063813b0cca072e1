import Logging
import Synchronization

/// The mass-drain guard's check of first answers: a provider answering for the first time (daemon start,
/// `--once`) has no earlier answer of its own to compare with, so it is compared with what the sink serves.
extension DiscoveryLoop {
    /// What the sink serves now, when some provider answers for the first time (nothing earlier to compare
    /// its answer with) and the sink can say. `nil` when not needed or not known: a sink that cannot be
    /// read now will fail its apply as well.
    func servingBeforeFirstAnswers(
        _ results: [(provider: String, result: Result<[Instance], any Error>)]
    ) async -> Set<ServingAddress>? {
        guard drainGuard.isEnabled, let reporting = sink as? any ServingStateReporting else { return nil }
        let firstTime = state.withLock { state in
            results.contains { name, result in
                if case .success = result { state.store.snapshots[name] == nil } else { false }
            }
        }
        guard firstTime else { return nil }
        do {
            return try await reporting.servingAddresses()
        } catch {
            logger.debug("could not read what the sink serves; the first answer is not compared", error: error)
            return nil
        }
    }

    /// Holds the first answers of the providers answering for the first time when, merged with the others,
    /// they would drain too much of what the sink serves. Returns the hold, and records nothing then.
    func holdFirstAnswers(
        _ results: [(provider: String, result: Result<[Instance], any Error>)],
        serving: Set<ServingAddress>?,
        state: inout State
    ) -> DrainHold? {
        guard let serving else { return nil }
        var firstTime: [String] = []
        var answer: [Instance] = []
        var candidate = state.store
        for (name, result) in results {
            guard case .success(let instances) = result else { continue }
            if candidate.snapshots[name] == nil {
                firstTime.append(name)
                answer += instances
            }
            candidate.recordSuccess(provider: name, instances: instances)
        }
        guard !firstTime.isEmpty, candidate.isReady else { return nil }
        let catalog = grouper.group(candidate.mergedInstances).catalog
        let verdict = state.safety.reviewFirstAnswers(
            providers: firstTime,
            answer: answer,
            catalog: catalog,
            serving: serving
        )
        if case .hold(let hold) = verdict { return hold }
        return nil
    }
}
