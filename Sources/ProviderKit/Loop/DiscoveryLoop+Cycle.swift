import Logging
import Synchronization

/// One cycle: fetch every provider, review the answers, merge, group and apply.
extension DiscoveryLoop {
    /// Returns `nil` when the task was cancelled before the cycle could finish.
    func runCycle(forceFullResync: Bool, allowDrain: Bool) async -> CycleReport? {
        let start = clock.now
        // Wake-ups that arrived before the fetch are covered by it.
        wake.clear()
        let cycle = state.withLock { state in
            state.cycle += 1
            if forceFullResync { state.resyncRequested += 1 }
            return state.cycle
        }
        var logger = self.logger
        logger[metadataKey: "cycle"] = .stringConvertible(cycle)

        let results = await fetchAll()
        if Task.isCancelled { return nil }
        let serving = allowDrain ? nil : await servingBeforeFirstAnswers(results)
        if Task.isCancelled { return nil }

        var holds: [DrainHold] = []
        var recoveries: [String: Int] = [:]
        let (providerReports, merged, missing, newWarnings, keptWarnings) = state.withLock { state in
            let firstAnswers = holdFirstAnswers(results, serving: serving, state: &state)
            if let hold = firstAnswers { holds.append(hold) }
            let reports = results.map { name, result in
                switch result {
                case .success(let instances):
                    if let failures = state.failureStreaks.removeValue(forKey: name) { recoveries[name] = failures }
                    if firstAnswers != nil, state.store.snapshots[name] == nil {
                        return ProviderReport(provider: name, outcome: .fetched(instanceCount: instances.count))
                    }
                    let verdict =
                        allowDrain
                        ? .take
                        : state.safety.review(
                            provider: name,
                            answer: instances,
                            previous: state.store.snapshots[name]?.instances,
                            grouper: grouper
                        )
                    if case .hold(let hold) = verdict {
                        holds.append(hold)
                        return ProviderReport(provider: name, outcome: .fetched(instanceCount: instances.count))
                    }
                    state.store.recordSuccess(provider: name, instances: instances)
                    return ProviderReport(provider: name, outcome: .fetched(instanceCount: instances.count))
                case .failure(let error):
                    state.failureStreaks[name, default: 0] += 1
                    if let lastGood = state.store.recordFailure(provider: name) {
                        return ProviderReport(
                            provider: name,
                            outcome: .stale(error, lastGoodInstanceCount: lastGood.instances.count)
                        )
                    }
                    return ProviderReport(provider: name, outcome: .failed(error))
                }
            }
            let missing = state.store.missingProviders
            var merged: GroupingResult? = missing.isEmpty ? grouper.group(state.store.mergedInstances) : nil
            var keptWarnings: [String] = []
            if let grouping = merged {
                (merged, keptWarnings) = state.safety.keepingMemberships(grouping)
            }
            let newWarnings = merged.map { state.warnings.newWarnings($0.warnings) } ?? []
            return (reports, merged, missing, newWarnings, keptWarnings)
        }
        logAnswers(providerReports, recoveries: recoveries, logger: logger)
        for hold in holds {
            logger.warning("\(hold)", metadata: ["provider": .string(hold.provider)])
        }
        for warning in keptWarnings {
            logger.warning("\(warning)")
        }
        for warning in newWarnings {
            logger.warning(
                "\(warning)",
                metadata: ["instance": .string(warning.instanceID.rawValue), "instance-name": .string(warning.instanceName)]
            )
        }

        var sinkOutcome = SinkOutcome.waitingForProviders
        var fullResync = false
        var resyncCompleted = false
        if let merged {
            let resyncGeneration: UInt64
            (resyncGeneration, fullResync) = state.withLock { state in
                (state.resyncRequested, state.resyncRequested > state.resyncAcknowledged)
            }
            do {
                let report = try await sink.apply(merged.catalog, options: ApplyOptions(fullResync: fullResync))
                resyncCompleted = state.withLock { state in
                    if fullResync { state.resyncAcknowledged = max(state.resyncAcknowledged, resyncGeneration) }
                    state.safety.recordApplied(merged.catalog)
                    guard fullResync, state.resyncToAnnounce != 0, state.resyncToAnnounce <= resyncGeneration else {
                        return false
                    }
                    state.resyncToAnnounce = 0
                    return true
                }
                sinkOutcome = .applied(report)
            } catch {
                if Task.isCancelled { return nil }
                sinkOutcome = .failed(error)
            }
        } else if !holds.isEmpty {
            sinkOutcome = .notApplied
        }

        let report = CycleReport(
            cycle: cycle,
            providers: providerReports,
            grouping: merged,
            sink: sinkOutcome,
            fullResync: fullResync,
            duration: start.duration(to: clock.now),
            drainHolds: holds
        )
        let consecutiveFailures = state.withLock { state in
            state.consecutiveFailedCycles = report.succeeded ? 0 : state.consecutiveFailedCycles + 1
            return state.consecutiveFailedCycles
        }
        log(report, consecutiveFailures: consecutiveFailures, waitingFor: missing, logger: logger)
        if resyncCompleted, case .applied(let sinkReport) = report.sink {
            logger.info("Full resync complete", metadata: Self.counts(sinkReport, report))
        }
        return report
    }

    /// Fetches every provider, at most `maxConcurrentFetches` at a time; results in provider order.
    func fetchAll() async -> [(provider: String, result: Result<[Instance], any Error>)] {
        let providers = self.providers
        return await withTaskGroup(of: (Int, Result<[Instance], any Error>).self) { group in
            var results: [Result<[Instance], any Error>?] = Array(repeating: nil, count: providers.count)
            var nextIndex = 0
            func startNext(_ group: inout TaskGroup<(Int, Result<[Instance], any Error>)>) {
                let index = nextIndex
                let provider = providers[index]
                nextIndex += 1
                group.addTask { (index, await self.fetch(provider)) }
            }
            while nextIndex < min(maxConcurrentFetches, providers.count) { startNext(&group) }
            while let (index, result) = await group.next() {
                results[index] = result
                if nextIndex < providers.count { startNext(&group) }
            }
            return zip(providers, results).map { provider, result in
                (provider.name, result ?? .failure(CancellationError()))
            }
        }
    }

    /// One provider's fetch, raced against ``PollingPolicy/fetchTimeout`` on the loop's clock. The loser is
    /// cancelled; the group still waits for it, so a provider is never fetched concurrently with itself, and a
    /// provider that ignores cancellation (which the ``Provider`` contract forbids) still holds the cycle.
    private func fetch(_ provider: any Provider) async -> Result<[Instance], any Error> {
        guard let timeout = policy.fetchTimeout else {
            do { return .success(try await provider.fetchInstances()) } catch { return .failure(error) }
        }
        let clock = self.clock
        return await withTaskGroup(of: Result<[Instance], any Error>?.self) { group in
            group.addTask {
                do { return .success(try await provider.fetchInstances()) } catch { return .failure(error) }
            }
            group.addTask {
                // Cancelled means the fetch finished first (or the cycle was cancelled): no verdict.
                guard (try? await clock.sleep(for: timeout)) != nil, !Task.isCancelled else { return nil }
                return .failure(DiscoveryError.fetchTimedOut(provider: provider.name, timeout: timeout))
            }
            var outcome: Result<[Instance], any Error> = .failure(CancellationError())
            while let result = await group.next() {
                guard let result else { continue }
                outcome = result
                group.cancelAll()
                break
            }
            return outcome
        }
    }
}
