#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization
import UnixSignals

/// SIGINT/SIGTERM handling shared by every mode.
///
/// - One-shot commands (`--once`, `plan`) run their work in a task the first signal cancels; the work unwinds
///   (a Data Plane transaction it opened is deleted) and the command exits non-zero with one line.
/// - The daemon shuts down gracefully through its service group; this guard only bounds that: after the
///   shutdown timeout, or on a second signal, `forcedExit` runs (best-effort cleanup) and the process exits.
enum SignalGuard {
    /// What ended a one-shot command.
    struct Interrupted: Error, CustomStringConvertible {
        var signal: UnixSignal
        var description: String {
            "interrupted by \(signal); the run was cancelled, nothing more was applied and any transaction it "
                + "had opened was deleted"
        }
    }

    /// Runs `work`; the first SIGINT/SIGTERM cancels it and makes the result ``Interrupted``, a second one
    /// runs `forcedExit` and exits at once.
    static func runOneShot<T: Sendable>(
        forcedExit: @escaping @Sendable () async -> Void,
        _ work: @escaping @Sendable () async throws -> T
    ) async -> Result<T, any Error> {
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        let received = FirstSignal()
        let workTask = Task { try await work() }
        let listener = Task {
            for await signal in signals {
                if received.record(signal) {
                    workTask.cancel()
                } else {
                    await forcedExit()
                    exit(EXIT_FAILURE)
                }
            }
        }
        let result = await workTask.result
        listener.cancel()
        if let signal = received.signal { return .failure(Interrupted(signal: signal)) }
        return result
    }

    /// Starts watching for the daemon's shutdown: after the first SIGINT/SIGTERM, `timeout` or a second
    /// signal calls `forcedExit(reason)` and exits non-zero. Returns the watcher, to cancel on a normal stop.
    static func boundShutdown(
        timeout: Duration,
        forcedExit: @escaping @Sendable (String) async -> Void
    ) async -> Task<Void, Never> {
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        let received = FirstSignal()
        return Task {
            var timer: Task<Void, Never>?
            for await signal in signals {
                if received.record(signal) {
                    timer = Task {
                        guard (try? await Task.sleep(for: timeout)) != nil else { return }
                        await forcedExit("shutdown did not finish within polling.shutdown_timeout_seconds (\(timeout)); exiting now")
                        exit(EXIT_FAILURE)
                    }
                } else {
                    await forcedExit("second \(signal) during shutdown; exiting now")
                    exit(EXIT_FAILURE)
                }
            }
            timer?.cancel()
        }
    }
}

/// The first signal received, recorded once.
private final class FirstSignal: Sendable {
    private let value = Mutex<UnixSignal?>(nil)

    /// Records `signal`; `true` when it is the first.
    func record(_ signal: UnixSignal) -> Bool {
        value.withLock { first in
            guard first == nil else { return false }
            first = signal
            return true
        }
    }

    var signal: UnixSignal? { value.withLock { $0 } }
}
