import DiscoverydOperations
import ProviderKit

extension DaemonAssembly {
    /// The daemon's loop with the operations side attached: metered providers and sink, and the metrics,
    /// health and systemd observers.
    public func makeLoop(operations: DaemonOperations) throws -> DiscoveryLoop<ContinuousClock> {
        let sink = try makeSink()
        return try DiscoveryLoop(
            providers: makeProviders().map(operations.instrument),
            sink: operations.instrument(sink),
            grouper: grouper,
            policy: pollingPolicy,
            drainGuard: drainGuard,
            observers: operations.observers,
            logger: context.logger(for: "daemon"),
            sinkLogger: context.logger(for: sink.name)
        )
    }
}
