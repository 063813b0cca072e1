import ServiceLifecycle
import UnixSignals

/// Turns SIGHUP into a full resync on the next cycle.
///
/// A service of its own because `ServiceGroup` only knows shutdown signals, and a signal can have only
/// one handler: SIGHUP must not also be listed in `gracefulShutdownSignals`. The daemon traps the
/// signal (creates the `UnixSignalsSequence`) before the group starts, so a SIGHUP during startup is
/// queued instead of killing the process with the default action.
public struct HangupResyncService<Signals: AsyncSequence & Sendable>: Service where Signals.Element == UnixSignal {
    private let signals: Signals
    private let onSignal: @Sendable () -> Void

    /// - Parameter signals: Each element triggers `onSignal`; the daemon passes SIGHUP, tests a stream.
    public init(signals: Signals, onSignal: @escaping @Sendable () -> Void) {
        self.signals = signals
        self.onSignal = onSignal
    }

    public func run() async throws {
        for try await _ in signals.cancelOnGracefulShutdown() {
            onSignal()
        }
    }
}

extension HangupResyncService: CustomStringConvertible {
    /// The name the service group logs for it (`sl-service`), instead of a dump of its generic type.
    public var description: String { "SIGHUP listener" }
}
