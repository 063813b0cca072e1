import Logging
import ServiceLifecycle
import Synchronization

/// Keeps a ``Sink`` in step with what the ``Provider``s see: fetch, merge, group, apply, wait, repeat.
///
/// ## One cycle
/// 1. Every provider is fetched concurrently (at most `maxConcurrentFetches` at a time).
/// 2. A provider that throws, or does not answer within ``PollingPolicy/fetchTimeout`` (its fetch is then
///    cancelled), keeps its last good snapshot; the failure is logged and counted, and is never taken to mean
///    "no instances".
/// 3. **Startup gate:** until every provider has succeeded at least once nothing is applied, because the
///    merged state would lack that provider's instances and the sink would retire its services.
/// 4. The merged snapshots are grouped; each grouping warning (a bad port tag, say) is logged once, and
///    again only if it comes back after having been fixed.
/// 5. The catalog is applied. The first apply, and the first one after ``requestFullResync()``, ask for a
///    full resync, and keep asking until an apply succeeds.
///
/// A cycle fails if any provider failed or the sink threw. Consecutive failures back off as the
/// ``PollingPolicy`` says; a successful cycle returns to the normal interval.
///
/// ## Between cycles
/// The loop waits for the policy's delay, or less when a provider's
/// ``Provider/watchForChanges(_:)`` reports a change or ``requestFullResync()`` is called. Any number
/// of such wake-ups during a cycle or a wait collapse into one early cycle.
///
/// ## Lifecycle
/// ``run()`` makes the loop a swift-service-lifecycle `Service`. On graceful shutdown the current cycle
/// finishes (a half-done apply is worse than a late exit) and a pending wait ends at once. On task
/// cancellation the loop stops as soon as the providers and the sink honour it, and applies nothing
/// after it was cancelled.
///
/// ``run()``, ``runOnce()`` and ``collect()`` are mutually exclusive, because providers must never be
/// fetched concurrently with themselves; an overlapping call throws ``DiscoveryError/Code/alreadyRunning``.
public final class DiscoveryLoop<LoopClock: Clock>: Service, Sendable where LoopClock.Duration == Duration {
    public let providers: [any Provider]
    public let sink: any Sink
    public let grouper: ServiceGrouper
    public let policy: PollingPolicy
    public let maxConcurrentFetches: Int

    private let clock: LoopClock
    private let logger: Logger
    private let wake = WakeSignal()
    private let state: Mutex<State>

    private struct State {
        var store: SnapshotStore
        var warnings = WarnOnce<SkippedInstance>()
        var random: any RandomNumberGenerator & Sendable
        var cycle = 0
        var consecutiveFailedCycles = 0
        /// A full resync is due while `resyncRequested > resyncAcknowledged`. Generations rather than a
        /// flag, so a request that arrives during an apply survives that apply's success.
        var resyncRequested: UInt64 = 1
        var resyncAcknowledged: UInt64 = 0
        var isBusy = false
    }

    /// - Parameters:
    ///   - providers: At least one; names must be unique (they key the last good snapshots).
    ///   - clock: Measures cycles and times the waits; tests pass a manual clock.
    ///   - random: The source of the interval jitter; tests pass a fixed one.
    ///   - maxConcurrentFetches: How many providers are fetched at the same time.
    /// - Throws: ``DiscoveryError`` with ``DiscoveryError/Code/noProviders`` or
    ///   ``DiscoveryError/Code/duplicateProviderName``.
    public init(
        providers: [any Provider],
        sink: any Sink,
        grouper: ServiceGrouper = ServiceGrouper(),
        policy: PollingPolicy = PollingPolicy(),
        clock: LoopClock,
        random: some RandomNumberGenerator & Sendable = SystemRandomNumberGenerator(),
        maxConcurrentFetches: Int = 8,
        logger: Logger
    ) throws {
        guard !providers.isEmpty else { throw DiscoveryError.noProviders() }
        var names: Set<String> = []
        for provider in providers where !names.insert(provider.name).inserted {
            throw DiscoveryError.duplicateProviderName(provider.name)
        }
        self.providers = providers
        self.sink = sink
        self.grouper = grouper
        self.policy = policy
        self.clock = clock
        self.maxConcurrentFetches = max(1, maxConcurrentFetches)
        self.logger = logger
        self.state = Mutex(State(store: SnapshotStore(providerNames: providers.map(\.name)), random: random))
    }

    // MARK: - Public operations

    /// Runs cycles until graceful shutdown or cancellation, watching every provider for changes meanwhile.
    public func run() async throws {
        try beginExclusive()
        defer { endExclusive() }
        logger.info(
            "discovery loop starting",
            metadata: [
                "providers": .array(providers.map { .string($0.name) }),
                "sink": .string(sink.name),
                "interval": .stringConvertible(policy.interval),
            ]
        )
        await withDiscardingTaskGroup { group in
            for provider in providers {
                group.addTask { await self.watch(provider) }
            }
            await cycleUntilStopped()
            group.cancelAll()
        }
        logger.info("discovery loop stopped")
    }

    /// Runs one cycle with a full resync, for `discoveryd --once`.
    ///
    /// - Returns: The report of a cycle in which every provider and the sink succeeded.
    /// - Throws: ``DiscoveryError`` with ``DiscoveryError/Code/providerFailed`` (nothing was applied
    ///   unless an earlier cycle had given the failed provider a last good snapshot),
    ///   ``DiscoveryError/Code/sinkFailed``, ``DiscoveryError/Code/cancelled`` or
    ///   ``DiscoveryError/Code/alreadyRunning``. The error carries the cycle's report.
    public func runOnce() async throws -> CycleReport {
        try beginExclusive()
        defer { endExclusive() }
        guard let report = await runCycle(forceFullResync: true) else {
            throw DiscoveryError.cancelled()
        }
        let failures = report.providerFailures
        if !failures.isEmpty {
            throw DiscoveryError.providerFailed(failures, report: report)
        }
        if let error = report.sink.error {
            throw DiscoveryError.sinkFailed(sink: sink.name, error: error, report: report)
        }
        return report
    }

    /// Fetches every provider once and groups the result without applying it (`discoveryd plan`).
    ///
    /// Does not touch the last good snapshots: it is a look, not a cycle.
    /// - Throws: ``DiscoveryError`` with ``DiscoveryError/Code/providerFailed`` if any provider failed,
    ///   since a plan from partial data would show that provider's services as retired.
    public func collect() async throws -> DiscoverySnapshot {
        try beginExclusive()
        defer { endExclusive() }
        let results = await fetchAll()
        if Task.isCancelled { throw DiscoveryError.cancelled() }
        var failures: [(provider: String, error: any Error)] = []
        var instancesByProvider: [(provider: String, instances: [Instance])] = []
        for (name, result) in results {
            switch result {
            case .success(let instances): instancesByProvider.append((name, instances))
            case .failure(let error): failures.append((name, error))
            }
        }
        guard failures.isEmpty else { throw DiscoveryError.providerFailed(failures) }
        let grouping = grouper.group(instancesByProvider.flatMap(\.instances))
        return DiscoverySnapshot(instancesByProvider: instancesByProvider, grouping: grouping)
    }

    /// Asks for a full resync (SIGHUP) and wakes the loop for it. The request stands until an apply
    /// with `fullResync: true` succeeds. Safe to call from any thread or task.
    public func requestFullResync() {
        state.withLock { $0.resyncRequested += 1 }
        logger.info("full resync requested")
        wake.signal()
    }

    // MARK: - Status

    /// The last good snapshot and failure counts of every provider, for status output and health checks.
    public var snapshotStore: SnapshotStore { state.withLock { $0.store } }

    /// Whether every provider has succeeded at least once, i.e. the startup gate is open.
    public var isReady: Bool { state.withLock { $0.store.isReady } }

    /// Failed cycles since the last successful one (zero when healthy).
    public var consecutiveFailedCycles: Int { state.withLock { $0.consecutiveFailedCycles } }

    // MARK: - The loop

    private func cycleUntilStopped() async {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            guard let report = await runCycle(forceFullResync: false) else { return }
            if Task.isShuttingDownGracefully { return }
            let (delay, failures) = state.withLock { state in
                (
                    policy.delay(
                        afterConsecutiveFailures: state.consecutiveFailedCycles,
                        cycleDuration: report.duration,
                        using: &state.random
                    ),
                    state.consecutiveFailedCycles
                )
            }
            logger.debug(
                "waiting for the next cycle",
                metadata: ["delay": .stringConvertible(delay), "consecutive-failed-cycles": .stringConvertible(failures)]
            )
            await waitForNextCycle(delay)
        }
    }

    private func waitForNextCycle(_ delay: Duration) async {
        let clock = self.clock
        let wake = self.wake
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { try? await clock.sleep(for: delay) }
                group.addTask { await wake.wait() }
                await group.next()
                group.cancelAll()
            }
        }
    }

    private func watch(_ provider: any Provider) async {
        let wake = self.wake
        var logger = self.logger
        logger[metadataKey: "provider"] = .string(provider.name)
        do {
            try await provider.watchForChanges { [logger] in
                logger.debug("provider reported a change")
                wake.signal()
            }
        } catch {
            if Task.isCancelled { return }
            // Polling still runs, so the loop stays correct, only slower to notice changes.
            logger.warning("change watch failed; relying on polling for this provider", error: error)
        }
    }

    // MARK: - One cycle

    /// Returns `nil` when the task was cancelled before the cycle could finish.
    private func runCycle(forceFullResync: Bool) async -> CycleReport? {
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

        let (providerReports, merged, missing, newWarnings) = state.withLock { state in
            let reports = results.map { name, result in
                switch result {
                case .success(let instances):
                    state.store.recordSuccess(provider: name, instances: instances)
                    return ProviderReport(provider: name, outcome: .fetched(instanceCount: instances.count))
                case .failure(let error):
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
            let merged: GroupingResult? = missing.isEmpty ? grouper.group(state.store.mergedInstances) : nil
            let newWarnings = merged.map { state.warnings.newWarnings($0.warnings) } ?? []
            return (reports, merged, missing, newWarnings)
        }
        log(providerReports, logger: logger)
        for warning in newWarnings {
            logger.warning(
                "\(warning)",
                metadata: ["instance": .string(warning.instanceID.rawValue), "instance-name": .string(warning.instanceName)]
            )
        }

        var sinkOutcome = SinkOutcome.waitingForProviders
        var fullResync = false
        if let merged {
            let resyncGeneration: UInt64
            (resyncGeneration, fullResync) = state.withLock { state in
                (state.resyncRequested, state.resyncRequested > state.resyncAcknowledged)
            }
            do {
                let report = try await sink.apply(merged.catalog, options: ApplyOptions(fullResync: fullResync))
                if fullResync {
                    state.withLock { $0.resyncAcknowledged = max($0.resyncAcknowledged, resyncGeneration) }
                }
                sinkOutcome = .applied(report)
            } catch {
                if Task.isCancelled { return nil }
                sinkOutcome = .failed(error)
            }
        } else {
            logger.warning(
                "not applying anything until every provider has succeeded once",
                metadata: ["waiting-for": .array(missing.map { .string($0) })]
            )
        }

        let report = CycleReport(
            cycle: cycle,
            providers: providerReports,
            grouping: merged,
            sink: sinkOutcome,
            fullResync: fullResync,
            duration: start.duration(to: clock.now)
        )
        state.withLock { state in
            state.consecutiveFailedCycles = report.succeeded ? 0 : state.consecutiveFailedCycles + 1
        }
        log(report, logger: logger)
        return report
    }

    /// Fetches every provider, at most `maxConcurrentFetches` at a time; results in provider order.
    private func fetchAll() async -> [(provider: String, result: Result<[Instance], any Error>)] {
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

    // MARK: - Logging

    private func log(_ reports: [ProviderReport], logger: Logger) {
        for report in reports {
            var logger = logger
            logger[metadataKey: "provider"] = .string(report.provider)
            switch report.outcome {
            case .fetched(let count):
                // The Python daemon's message and field for the same event, so its dashboards keep working.
                logger.info("Discovery complete", metadata: ["total_instances": .stringConvertible(count)])
            case .stale(let error, let count):
                let failures = state.withLock { $0.store.snapshots[report.provider]?.consecutiveFailures ?? 0 }
                logger.warning(
                    "provider failed; keeping its last good snapshot",
                    error: error,
                    metadata: [
                        "last-good-instances": .stringConvertible(count),
                        "consecutive-failures": .stringConvertible(failures),
                    ]
                )
            case .failed(let error):
                logger.error("provider failed and has never succeeded; nothing is applied until it does", error: error)
            }
        }
    }

    private func log(_ report: CycleReport, logger: Logger) {
        // Seconds with two decimals, the Python daemon's `elapsed_seconds`.
        let (seconds, attoseconds) = report.duration.components
        let elapsed = ((Double(seconds) + Double(attoseconds) / 1e18) * 100).rounded() / 100
        var metadata: Logger.Metadata = [
            "elapsed_seconds": .stringConvertible(elapsed),
            "full-resync": .stringConvertible(report.fullResync),
            "sink": .string(sink.name),
        ]
        if let grouping = report.grouping {
            metadata["services"] = .stringConvertible(grouping.catalog.services.count)
            metadata["endpoints"] = .stringConvertible(grouping.catalog.endpointCount)
            metadata["skipped-instances"] = .stringConvertible(grouping.skipped.count)
        }
        switch report.sink {
        case .applied(let sinkReport):
            metadata["requests"] = .stringConvertible(sinkReport.requests)
            metadata["servers-changed"] = .stringConvertible(sinkReport.serversChanged)
            metadata["reloads"] = .stringConvertible(sinkReport.reloads)
            for change in sinkReport.changes {
                logger.info("\(change)", metadata: ["sink": .string(sink.name)])
            }
            if report.succeeded {
                logger.info("Cycle complete", metadata: metadata)
            } else {
                let failures = state.withLock { $0.consecutiveFailedCycles }
                logger.warning(
                    "Cycle failed (consecutive failures: \(failures)): a provider failed; its last good instances were applied",
                    metadata: metadata
                )
            }
        case .failed(let error):
            let failures = state.withLock { $0.consecutiveFailedCycles }
            logger.error(
                "Cycle failed (consecutive failures: \(failures)): the sink did not apply the catalog; will retry",
                error: error,
                metadata: metadata
            )
        case .waitingForProviders, .notApplied:
            logger.debug("cycle finished without applying", metadata: metadata)
        }
    }

    // MARK: - Exclusion

    private func beginExclusive() throws(DiscoveryError) {
        let wasBusy = state.withLock { state in
            defer { state.isBusy = true }
            return state.isBusy
        }
        if wasBusy { throw DiscoveryError.alreadyRunning() }
    }

    private func endExclusive() {
        state.withLock { $0.isBusy = false }
    }
}

extension DiscoveryLoop where LoopClock == ContinuousClock {
    /// A loop on the real clock with system randomness for the jitter.
    public convenience init(
        providers: [any Provider],
        sink: any Sink,
        grouper: ServiceGrouper = ServiceGrouper(),
        policy: PollingPolicy = PollingPolicy(),
        maxConcurrentFetches: Int = 8,
        logger: Logger
    ) throws {
        try self.init(
            providers: providers,
            sink: sink,
            grouper: grouper,
            policy: policy,
            clock: ContinuousClock(),
            maxConcurrentFetches: maxConcurrentFetches,
            logger: logger
        )
    }
}
