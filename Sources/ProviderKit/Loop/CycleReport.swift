/// What one discovery cycle did: for logs, `discoveryd --once` and tests.
public struct CycleReport: Sendable {
    /// Counts cycles from 1 over the life of the loop.
    public var cycle: Int
    /// One entry per configured provider, in configuration order.
    public var providers: [ProviderReport]
    /// The grouped services, or `nil` while the startup gate is closed (some provider has never
    /// succeeded, so the merged state would be incomplete and nothing may be applied).
    public var grouping: GroupingResult?
    /// What happened at the sink.
    public var sink: SinkOutcome
    /// Whether the apply was asked to resync fully.
    public var fullResync: Bool
    /// Wall time of the cycle, measured with the loop's clock.
    public var duration: Duration
    /// Answers the mass-drain guard held back this cycle (their providers' previous snapshots stood in).
    public var drainHolds: [DrainHold]

    public init(
        cycle: Int,
        providers: [ProviderReport],
        grouping: GroupingResult?,
        sink: SinkOutcome,
        fullResync: Bool,
        duration: Duration,
        drainHolds: [DrainHold] = []
    ) {
        self.cycle = cycle
        self.providers = providers
        self.grouping = grouping
        self.sink = sink
        self.fullResync = fullResync
        self.duration = duration
        self.drainHolds = drainHolds
    }

    /// The catalog that was (or would have been) applied.
    public var catalog: ServiceCatalog? { grouping?.catalog }

    /// A cycle fails when any provider failed (even if its last good snapshot stood in) or the sink threw.
    /// Consecutive failed cycles drive the backoff.
    public var succeeded: Bool {
        providers.allSatisfy(\.outcome.isSuccess) && sink.isSuccess
    }

    /// The providers that failed in this cycle with their errors.
    public var providerFailures: [(provider: String, error: any Error)] {
        providers.compactMap { report in report.outcome.error.map { (report.provider, $0) } }
    }
}

/// How one provider fared in one cycle.
public struct ProviderReport: Sendable {
    public var provider: String
    public var outcome: Outcome

    public init(provider: String, outcome: Outcome) {
        self.provider = provider
        self.outcome = outcome
    }

    public enum Outcome: Sendable {
        /// The fetch succeeded with this many instances (of any state).
        case fetched(instanceCount: Int)
        /// The fetch failed and there is no earlier good snapshot: the startup gate stays closed.
        case failed(any Error)
        /// The fetch failed; the last good snapshot with this many instances stands in.
        case stale(any Error, lastGoodInstanceCount: Int)

        public var isSuccess: Bool {
            if case .fetched = self { true } else { false }
        }

        public var error: (any Error)? {
            switch self {
            case .fetched: nil
            case .failed(let error), .stale(let error, _): error
            }
        }
    }
}

/// What happened at the sink in one cycle.
public enum SinkOutcome: Sendable {
    /// The sink accepted the catalog.
    case applied(SinkReport)
    /// The sink threw; the next cycle tries again with the then-current catalog.
    case failed(any Error)
    /// Nothing was sent: the startup gate is still closed.
    case waitingForProviders
    /// Nothing was sent: the cycle was not meant to apply (`collect()`) or was cancelled.
    case notApplied

    public var isSuccess: Bool {
        switch self {
        case .applied, .notApplied: true
        case .failed, .waitingForProviders: false
        }
    }

    public var report: SinkReport? {
        if case .applied(let report) = self { report } else { nil }
    }

    public var error: (any Error)? {
        if case .failed(let error) = self { error } else { nil }
    }
}
