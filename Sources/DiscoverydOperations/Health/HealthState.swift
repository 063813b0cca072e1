import ProviderKit
import Synchronization

/// What `/healthz` and `/readyz` answer, kept up to date as a ``DiscoveryLoopObserver``.
public final class HealthState: DiscoveryLoopObserver {
    private struct State {
        var running = false
        var readiness = Readiness()
    }

    private let state = Mutex(State())
    private let now: @Sendable () -> ContinuousClock.Instant

    /// - Parameter now: The clock readiness ages are measured with; tests pass a controlled one.
    public init(now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }) {
        self.now = now
    }

    public func loopDidStart() { state.withLock { $0.running = true } }
    public func loopDidStop() { state.withLock { $0.running = false } }

    public func loopDidFinishCycle(_ report: CycleReport, status: LoopStatus) {
        let now = now()
        state.withLock { $0.readiness.record(report, status: status, at: now) }
    }

    /// `/healthz`: alive while the loop runs.
    public var liveness: HealthAnswer {
        state.withLock { $0.running }
            ? HealthAnswer(ok: true, body: "ok: the discovery loop is running")
            : HealthAnswer(ok: false, body: "not running: the discovery loop has not started or has stopped")
    }

    /// `/readyz`: see ``Readiness``.
    public var readiness: HealthAnswer {
        let now = now()
        return state.withLock { state in
            guard state.running else {
                return HealthAnswer(ok: false, body: "not ready: the discovery loop is not running")
            }
            if let reason = state.readiness.notReadyReason(at: now) {
                return HealthAnswer(ok: false, body: reason)
            }
            return HealthAnswer(ok: true, body: "ready: HAProxy is in step with every provider")
        }
    }
}

/// One answer of a health endpoint: 200 with `body` when `ok`, else 503.
public struct HealthAnswer: Hashable, Sendable {
    public var ok: Bool
    public var body: String
}
