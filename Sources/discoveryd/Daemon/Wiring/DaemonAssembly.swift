import Logging
import ProviderKit

/// Turns a loaded configuration into the running parts: providers, grouper, polling policy, sink and
/// the discovery loop that ties them together.
///
/// Everything here is construction; nothing talks to a provider or to HAProxy until the loop runs.
public struct DaemonAssembly: Sendable {
    public let configuration: DiscoverydConfiguration
    public let context: WiringContext

    /// `context.tagNames` is replaced by the `tags:` section's, so that providers read the configured tags.
    public init(configuration: DiscoverydConfiguration, context: WiringContext) {
        self.configuration = configuration
        var context = context
        context.tagNames = configuration.tags.tagNames
        self.context = context
    }

    /// Instances become services by the `tags:` section.
    public var grouper: ServiceGrouper {
        ServiceGrouper(tagNames: configuration.tags.tagNames, filter: configuration.tags.filter)
    }

    /// Cycle timing from the `polling:` section.
    public var pollingPolicy: PollingPolicy {
        let polling = configuration.polling
        var policy = PollingPolicy(
            interval: .seconds(polling.intervalSeconds),
            jitter: .seconds(polling.jitterSeconds),
            backoffBase: .seconds(polling.backoffBaseSeconds),
            maxBackoff: .seconds(polling.maxBackoffSeconds),
            fetchTimeout: .seconds(polling.fetchTimeoutSeconds)
        )
        policy.shutdownTimeout = .seconds(polling.shutdownTimeoutSeconds)
        return policy
    }

    /// The mass-drain guard from the `safety:` section.
    public var drainGuard: DrainGuardPolicy { configuration.safety.drainGuard }

    /// Every provider of every configured provider kind, in registration order.
    public func makeProviders() throws -> [any Provider] {
        try configuration.providers.flatMap { try $0.makeProviders(context: context) }
    }

    /// The sink the file selects.
    public func makeSink() throws -> any Sink {
        try configuration.sink.makeSink(context: context)
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
            logger: context.logger(for: "daemon"),
            sinkLogger: context.logger(for: sink.name)
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
