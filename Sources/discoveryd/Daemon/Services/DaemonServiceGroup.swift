import Logging
import ProviderKit
import ServiceLifecycle
import UnixSignals

extension DaemonAssembly {
    /// The running daemon: the discovery loop, then the SIGHUP listener, in one service group.
    ///
    /// SIGTERM/SIGINT shut the group down gracefully in reverse order: SIGHUP handling stops first, then
    /// the loop finishes its current cycle and returns, and `run()` returns normally.
    ///
    /// - Parameter hangupSignals: Each element asks for a full resync on the next cycle; the daemon
    ///   passes `UnixSignalsSequence(trapping: .sighup)`.
    public func makeServiceGroup<Signals: AsyncSequence & Sendable>(
        loop: DiscoveryLoop<ContinuousClock>,
        hangupSignals: Signals,
        gracefulShutdownSignals: [UnixSignal] = [.sigterm, .sigint]
    ) -> ServiceGroup where Signals.Element == UnixSignal {
        let logger = context.logger
        let hangup = HangupResyncService(signals: hangupSignals) {
            logger.info("SIGHUP: full resync on the next cycle")
            loop.requestFullResync()
        }
        return ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [loop, hangup],
                gracefulShutdownSignals: gracefulShutdownSignals,
                logger: logger
            )
        )
    }
}
