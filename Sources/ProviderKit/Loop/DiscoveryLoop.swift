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
/// 4. **Mass-drain guard** (``DrainGuardPolicy``): a successful answer that would take more than
///    `maxDrainFraction` of the live servers its provider feeds out of service is held (the provider's
///    previous snapshot stays) until the same answer has come `confirmCycles` times in a row, with one
///    warning per cycle. A provider's first answer is compared with what the sink serves, when the sink
///    can say (``ServingStateReporting``).
/// 5. The merged snapshots are grouped; each grouping warning (a bad port tag, say) is logged once, and
///    again only if it comes back after having been fixed. An instance that was serving and now has a
///    malformed service tag keeps its last applied membership, with a warning every cycle.
/// 6. The catalog is applied. The first apply, and the first one after ``requestFullResync()``, ask for a
///    full resync, and keep asking until an apply succeeds.
///
/// A cycle fails if any provider failed or the sink threw. Consecutive failures back off as the
/// ``PollingPolicy`` says; a successful cycle returns to the normal interval. Services the sink reports as
/// failed (``SinkReport/failures``) are logged every cycle but do not back off the others.
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
    public let drainGuard: DrainGuardPolicy
    public let observers: [any DiscoveryLoopObserver]

    let clock: LoopClock
    let logger: Logger
    /// What the sink did (its changes, the services it could not apply) is logged under the sink's logger.
    let sinkLogger: Logger
    let wake = WakeSignal()
    /// Internal rather than private, like `clock` and `wake`, so that the loop's extensions in other files
    /// (the cycle, its cadence, its log, safety) can use them.
    let state: Mutex<State>

    /// - Parameters:
    ///   - providers: At least one; names must be unique (they key the last good snapshots).
    ///   - clock: Measures cycles and times the waits; tests pass a manual clock.
    ///   - random: The source of the interval jitter; tests pass a fixed one.
    ///   - maxConcurrentFetches: How many providers are fetched at the same time.
    ///   - drainGuard: When a provider's answer drains too much to be taken without confirmation.
    ///   - observers: Told about every cycle of ``run()`` (metrics, health, systemd).
    ///   - logger: The loop's own log: one line per cycle that changed something or failed.
    ///   - sinkLogger: The sink's changes and failed services are logged here; `logger` when `nil`.
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
        drainGuard: DrainGuardPolicy = .standard,
        observers: [any DiscoveryLoopObserver] = [],
        logger: Logger,
        sinkLogger: Logger? = nil
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
        self.drainGuard = drainGuard
        self.observers = observers
        self.logger = logger
        self.sinkLogger = sinkLogger ?? logger
        self.state = Mutex(
            State(
                store: SnapshotStore(providerNames: providers.map(\.name)),
                safety: CycleSafety(policy: drainGuard),
                random: random
            )
        )
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
        for observer in observers { observer.loopDidStart() }
        await withDiscardingTaskGroup { group in
            for provider in providers {
                group.addTask { await self.watch(provider) }
            }
            await cycleUntilStopped()
            group.cancelAll()
        }
        for observer in observers { observer.loopDidStop() }
        logger.info("discovery loop stopped")
    }

    /// Runs one cycle with a full resync, for `discoveryd --once`.
    ///
    /// - Parameter allowDrain: Apply an answer even when the mass-drain guard would hold it (`--allow-drain`);
    ///   otherwise such an answer fails the run with ``DiscoveryError/Code/drainHeld``, since one cycle cannot
    ///   wait for confirmation.
    /// - Returns: The report of a cycle in which every provider and the sink succeeded.
    /// - Throws: ``DiscoveryError`` with ``DiscoveryError/Code/providerFailed`` (nothing was applied
    ///   unless an earlier cycle had given the failed provider a last good snapshot),
    ///   ``DiscoveryError/Code/sinkFailed``, ``DiscoveryError/Code/servicesFailed``,
    ///   ``DiscoveryError/Code/drainHeld``, ``DiscoveryError/Code/cancelled`` or
    ///   ``DiscoveryError/Code/alreadyRunning``. The error carries the cycle's report.
    public func runOnce(allowDrain: Bool = false) async throws -> CycleReport {
        try beginExclusive()
        defer { endExclusive() }
        guard let report = await runCycle(forceFullResync: true, allowDrain: allowDrain) else {
            throw DiscoveryError.cancelled()
        }
        if !report.drainHolds.isEmpty {
            throw DiscoveryError.drainHeld(report.drainHolds, report: report)
        }
        let failures = report.providerFailures
        if !failures.isEmpty {
            throw DiscoveryError.providerFailed(failures, report: report)
        }
        if let error = report.sink.error {
            throw DiscoveryError.sinkFailed(sink: sink.name, error: error, report: report)
        }
        if let failures = report.sink.report?.failures, !failures.isEmpty {
            throw DiscoveryError.servicesFailed(failures, sink: sink.name, report: report)
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
        state.withLock { state in
            state.resyncRequested += 1
            state.resyncToAnnounce = state.resyncRequested
        }
        logger.debug("full resync requested")
        wake.signal()
    }

    // MARK: - Status

    /// The last good snapshot and failure counts of every provider, for status output and health checks.
    public var snapshotStore: SnapshotStore { state.withLock { $0.store } }

    /// Whether every provider has succeeded at least once, i.e. the startup gate is open.
    public var isReady: Bool { state.withLock { $0.store.isReady } }

    /// Failed cycles since the last successful one (zero when healthy).
    public var consecutiveFailedCycles: Int { state.withLock { $0.consecutiveFailedCycles } }

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

extension DiscoveryLoop: CustomStringConvertible {
    /// What a service group logs for the loop (`sl-service`), instead of a dump of its generic type.
    public var description: String { "discovery loop" }
}

extension DiscoveryLoop where LoopClock == ContinuousClock {
    /// A loop on the real clock with system randomness for the jitter.
    public convenience init(
        providers: [any Provider],
        sink: any Sink,
        grouper: ServiceGrouper = ServiceGrouper(),
        policy: PollingPolicy = PollingPolicy(),
        maxConcurrentFetches: Int = 8,
        drainGuard: DrainGuardPolicy = .standard,
        observers: [any DiscoveryLoopObserver] = [],
        logger: Logger,
        sinkLogger: Logger? = nil
    ) throws {
        try self.init(
            providers: providers,
            sink: sink,
            grouper: grouper,
            policy: policy,
            clock: ContinuousClock(),
            maxConcurrentFetches: maxConcurrentFetches,
            drainGuard: drainGuard,
            observers: observers,
            logger: logger,
            sinkLogger: sinkLogger
        )
    }
}
