import Logging
import ProviderKit
import ServiceLifecycle
import Synchronization

/// Keeps systemd informed for `Type=notify`: `READY=1` after the first successful cycle (the backends are in
/// step, so units ordered after discoveryd can start), `WATCHDOG=1` after every cycle when `WatchdogSec=` is
/// set (a loop stuck in one cycle stops petting and systemd restarts it), `STOPPING=1` as soon as a graceful
/// shutdown begins, and a one-line `STATUS=` for `systemctl status`.
///
/// Both a loop observer (cycles) and a service (shutdown). In the daemon's service group it goes last, so
/// that it hears of the shutdown first, before the loop finishes its current cycle.
public final class SystemdNotifyObserver: DiscoveryLoopObserver, Service {
    private let notifier: SystemdNotifier
    private let logger: Logger
    private let sentReady = Mutex(false)

    public init(notifier: SystemdNotifier, logger: Logger) {
        self.notifier = notifier
        self.logger = logger
    }

    public func loopDidFinishCycle(_ report: CycleReport, status: LoopStatus) {
        var assignments: [String] = []
        if report.succeeded, report.sink.report != nil {
            let first = sentReady.withLock { sent in
                defer { sent = true }
                return !sent
            }
            if first { assignments.append("READY=1") }
        }
        if let watchdog = notifier.watchdogInterval {
            assignments.append("WATCHDOG=1")
            if status.nextDelay >= watchdog {
                logger.warning(
                    """
                    the next cycle is due after systemd's watchdog expires, so systemd will restart discoveryd; \
                    raise WatchdogSec above the longest pause between cycles
                    """,
                    metadata: ["next-cycle-in": "\(status.nextDelay)", "watchdog": "\(watchdog)"]
                )
            }
        }
        assignments.append("STATUS=\(Self.status(of: report, status: status))")
        send(assignments)
    }

    public func run() async throws {
        // Returns when the group shuts down gracefully (or the task is cancelled).
        try? await gracefulShutdown()
        send(["STOPPING=1", "STATUS=stopping: finishing the current cycle"])
    }

    private func send(_ assignments: [String]) {
        do {
            try notifier.notify(assignments)
        } catch {
            logger.warning("\(error)")
        }
    }

    /// One line for `systemctl status`.
    static func status(of report: CycleReport, status: LoopStatus) -> String {
        let services = report.catalog?.services.count
        switch report.sink {
        case .applied where report.succeeded:
            return "cycle \(report.cycle) applied; \(services ?? 0) services"
        case .applied, .notApplied:
            return "cycle \(report.cycle): some provider failed (\(status.consecutiveFailedCycles) failed cycles in a row); "
                + "keeping the last good state"
        case .failed:
            return "cycle \(report.cycle): applying to HAProxy failed (\(status.consecutiveFailedCycles) in a row); "
                + "retrying"
        case .waitingForProviders:
            return "cycle \(report.cycle): waiting for every provider to answer once"
        }
    }
}

extension SystemdNotifyObserver: CustomStringConvertible {
    /// The name the service group logs for it (`sl-service`), instead of its module-qualified type name.
    public var description: String { "systemd notifier" }
}
