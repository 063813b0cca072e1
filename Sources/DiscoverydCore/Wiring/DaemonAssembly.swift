import Logging
import ProviderKit

/// Turns a loaded configuration into the running parts: providers, grouper, polling policy, sink and
/// the discovery loop that ties them together.
///
/// Everything here is construction; nothing talks to a provider or to HAProxy until the loop runs.
public struct DaemonAssembly: Sendable {
    public let configuration: DiscoverydConfiguration
    public let context: WiringContext

    public init(configuration: DiscoverydConfiguration, context: WiringContext) {
        self.configuration = configuration
        self.context = context
    }

    /// Instances become services by the `tags:` section.
    public var grouper: ServiceGrouper {
        ServiceGrouper(tagNames: configuration.tags.tagNames, filter: configuration.tags.filter)
    }

    /// Cycle timing from the `polling:` section.
    public var pollingPolicy: PollingPolicy {
        let polling = configuration.polling
        return PollingPolicy(
            interval: .seconds(polling.intervalSeconds),
            jitter: .seconds(polling.jitterSeconds),
            backoffBase: .seconds(polling.backoffBaseSeconds),
            maxBackoff: .seconds(polling.maxBackoffSeconds),
            fetchTimeout: .seconds(polling.fetchTimeoutSeconds)
        )
    }

    /// The mass-drain guard (`safety:` section; its defaults until the section is wired).
    public var drainGuard: DrainGuardPolicy { .standard }

    public func makeProviders() throws -> [any Provider] {
        try ProviderFactory.makeProviders(for: configuration, context: context)
    }

    public func makeSink() throws -> any Sink {
        try SinkFactory.makeSink(for: configuration, context: context)
    }

    /// The loop for the daemon and `--once`: real providers, the configured sink.
    public func makeLoop() throws -> DiscoveryLoop<ContinuousClock> {
        try makeLoop(sink: makeSink())
    }

    /// A loop for `plan`, which only collects: it never applies, so it needs no sink.
    public func makePlanningLoop() throws -> DiscoveryLoop<ContinuousClock> {
        try makeLoop(sink: CollectOnlySink())
    }

    /// The configured providers, grouper and policy around a given sink (tests, embedding).
    public func makeLoop(sink: any Sink) throws -> DiscoveryLoop<ContinuousClock> {
        try DiscoveryLoop(
            providers: makeProviders(),
            sink: sink,
            grouper: grouper,
            policy: pollingPolicy,
            drainGuard: drainGuard,
            logger: context.logger
        )
    }
}

/// The sink of a loop that only collects (`plan`). Applying through it is a programming error that
/// is reported, not a crash.
struct CollectOnlySink: Sink {
    var name: String { "none (plan only)" }

    func apply(_ catalog: ServiceCatalog, options: ApplyOptions) async throws -> SinkReport {
        throw WiringError("internal error: the planning loop tried to apply a catalog")
    }
}
