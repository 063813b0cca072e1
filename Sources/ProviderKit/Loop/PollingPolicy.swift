/// When the discovery loop runs its next cycle.
///
/// After a successful cycle the loop starts the next one ``interval`` after the *start* of the last (the time
/// the cycle took is subtracted, as the Python daemon does), plus a random share of ``jitter``, so that many
/// daemons started together (a fleet of HAProxy hosts) drift apart instead of hitting the cloud API in
/// step. After consecutive failed cycles it backs off exponentially from ``backoffBase`` up to
/// ``maxBackoff``: a struggling API gets fewer calls, and a short blip is retried quickly.
///
/// A fetch that takes longer than ``fetchTimeout`` is cancelled and counts as that provider's failure, so one
/// hanging provider cannot stall the loop: the others are applied with its last good snapshot.
///
/// The backoff itself is deterministic. A failing cycle already keeps the last good state in force, so
/// there is nothing to gain from randomising it, and a fixed schedule is one an operator can read in the
/// logs and predict.
public struct PollingPolicy: Hashable, Sendable {
    /// The pause between two successful cycles (before jitter).
    public var interval: Duration
    /// The largest random extra added to ``interval``; zero disables jitter.
    public var jitter: Duration
    /// The pause after the first failed cycle; it doubles with every further consecutive failure.
    public var backoffBase: Duration
    /// The longest pause after failures.
    public var maxBackoff: Duration
    /// How long one provider's `fetchInstances()` may take before it is cancelled and counted as failed;
    /// `nil` waits as long as the provider takes.
    public var fetchTimeout: Duration?

    public init(
        interval: Duration = .seconds(30),
        jitter: Duration = .seconds(5),
        backoffBase: Duration = .seconds(2),
        maxBackoff: Duration = .seconds(300),
        fetchTimeout: Duration? = .seconds(120)
    ) {
        self.interval = interval
        self.jitter = max(jitter, .zero)
        self.backoffBase = backoffBase
        self.maxBackoff = max(maxBackoff, backoffBase)
        self.fetchTimeout = fetchTimeout
    }

    /// The pause after a cycle, given how many cycles in a row have failed up to and including it
    /// (zero after a success).
    public func delay(
        afterConsecutiveFailures failures: Int,
        using random: inout some RandomNumberGenerator
    ) -> Duration {
        failures > 0 ? backoff(afterConsecutiveFailures: failures) : delayAfterSuccess(using: &random)
    }

    /// The pause after a cycle that took `cycleDuration`: after a success `interval - cycleDuration` plus the
    /// jitter, never negative (a cycle longer than the interval is followed at once, plus any jitter left
    /// over); after failures the full ``backoff(afterConsecutiveFailures:)``, counted from the failure.
    public func delay(
        afterConsecutiveFailures failures: Int,
        cycleDuration: Duration,
        using random: inout some RandomNumberGenerator
    ) -> Duration {
        guard failures == 0 else { return backoff(afterConsecutiveFailures: failures) }
        return max(.zero, delayAfterSuccess(using: &random) - max(cycleDuration, .zero))
    }

    /// ``interval`` plus a uniformly random duration in `0...jitter`.
    public func delayAfterSuccess(using random: inout some RandomNumberGenerator) -> Duration {
        let jitterNanoseconds = Self.nanoseconds(jitter)
        guard jitterNanoseconds > 0 else { return interval }
        // Scales one random word onto 0...jitter (Lemire's multiply-shift without the rejection step; the
        // bias, jitter/2^64, is irrelevant for a delay). Unlike `Int64.random(in:using:)` this reads exactly
        // one word, so a fixed generator in tests gives a fixed delay: 0 gives none, UInt64.max all of it.
        let extra = (UInt64(jitterNanoseconds) + 1)
            .multipliedFullWidth(by: random.next()).high
        return interval + .nanoseconds(Int64(extra))
    }

    /// `backoffBase * 2^(failures - 1)`, capped at ``maxBackoff``.
    public func backoff(afterConsecutiveFailures failures: Int) -> Duration {
        precondition(failures >= 1, "backoff needs at least one failure")
        var delay = backoffBase
        // Doubling stops at the cap, so neither the loop nor the multiplication can overflow.
        for _ in 1..<min(failures, 64) {
            if delay >= maxBackoff { break }
            delay *= 2
        }
        return min(delay, maxBackoff)
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : scaled + attoseconds / 1_000_000_000
    }
}
