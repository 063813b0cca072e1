/// Watches a running ``DiscoveryLoop`` from outside: metrics, health endpoints, service-manager
/// notifications. The loop's behaviour never depends on an observer.
///
/// ## Contract
/// - ``DiscoveryLoop/run()`` calls ``loopDidStart()`` once before its first cycle,
///   ``loopDidFinishCycle(_:status:)`` after every cycle it completes (a cycle cut short by cancellation is
///   not reported), and ``loopDidStop()`` once when it returns. ``DiscoveryLoop/runOnce()`` and
///   ``DiscoveryLoop/collect()`` report nothing: they are not the running daemon.
/// - Calls come from the loop's task, in order, never overlapping for one loop.
/// - An observer returns quickly and cannot fail: it records, it does not wait on the network. The next
///   cycle starts only after every observer has returned.
public protocol DiscoveryLoopObserver: Sendable {
    func loopDidStart()
    func loopDidFinishCycle(_ report: CycleReport, status: LoopStatus)
    func loopDidStop()
}

extension DiscoveryLoopObserver {
    public func loopDidStart() {}
    public func loopDidStop() {}
}

/// The loop's state after a cycle, beside what the ``CycleReport`` says about the cycle itself.
public struct LoopStatus: Hashable, Sendable {
    /// Failed cycles in a row, this one included (zero after a successful cycle).
    public var consecutiveFailedCycles: Int
    /// How long the loop waits before the next cycle unless woken earlier: the interval with jitter, or the
    /// backoff after failures.
    public var nextDelay: Duration
    /// The policy's normal interval between cycles.
    public var interval: Duration

    public init(consecutiveFailedCycles: Int, nextDelay: Duration, interval: Duration) {
        self.consecutiveFailedCycles = consecutiveFailedCycles
        self.nextDelay = nextDelay
        self.interval = interval
    }
}
