import ServiceLifecycle
import UnixSignals

/// Turns SIGHUP into a full resync on the next cycle.
///
/// A service of its own because `ServiceGroup` only knows shutdown signals, and a signal can have only
/// one handler: SIGHUP must not also be listed in `gracefulShutdownSignals`.
public struct HangupResyncService: Service {
    private let signal: UnixSignal
    private let onSignal: @Sendable () -> Void

    /// - Parameter signal: SIGHUP in the daemon; tests use a signal nobody else traps.
    public init(signal: UnixSignal = .sighup, onSignal: @escaping @Sendable () -> Void) {
        self.signal = signal
        self.onSignal = onSignal
    }

    public func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: signal).cancelOnGracefulShutdown() {
            onSignal()
        }
    }
}
