import DiscoverydOperations
import ProviderKit

extension DaemonAssembly {
    /// The daemon's loop with the operations side attached: metered providers and sink, and the metrics,
    /// health and systemd observers.
    public func makeLoop(operations: DaemonOperations) throws -> DiscoveryLoop<ContinuousClock> {
        try DiscoveryLoop(
            providers: makeProviders().map(operations.instrument),
            sink: operations.instrument(makeSink()),
            grouper: grouper,
            policy: pollingPolicy,
            observers: operations.observers,
            logger: context.logger
        )
    }
}
