import DiscoverydOperations
import Logging
import ProviderKit
import ServiceLifecycle
import UnixSignals

extension DaemonAssembly {
    /// The running daemon: the operations listener, the discovery loop, the SIGHUP listener and the systemd
    /// notifier, in one service group.
    ///
    /// SIGTERM/SIGINT shut the group down gracefully in reverse order: systemd hears `STOPPING=1` first,
    /// SIGHUP handling stops, then the loop finishes its current cycle and returns, the listener closes last
    /// (so `/healthz` answers until the loop is done), and `run()` returns normally.
    ///
    /// - Parameter hangupSignals: Each element asks for a full resync on the next cycle; the daemon
    ///   passes `UnixSignalsSequence(trapping: .sighup)`.
    public func makeServiceGroup<Signals: AsyncSequence & Sendable>(
        loop: DiscoveryLoop<ContinuousClock>,
        hangupSignals: Signals,
        operations: DaemonOperations? = nil,
        gracefulShutdownSignals: [UnixSignal] = [.sigterm, .sigint]
    ) -> ServiceGroup where Signals.Element == UnixSignal {
        let logger = context.logger
        let hangup = HangupResyncService(signals: hangupSignals) {
            logger.info("SIGHUP: full resync on the next cycle")
            loop.requestFullResync()
        }
        return ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: (operations?.servicesBeforeLoop ?? []) + [loop, hangup]
                    + (operations?.servicesAfterLoop ?? []),
                gracefulShutdownSignals: gracefulShutdownSignals,
                logger: context.logger(for: "lifecycle")
            )
        )
    }
}
