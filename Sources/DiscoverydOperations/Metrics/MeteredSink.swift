import ProviderKit

/// A sink that records each apply's duration and report into ``DiscoverydMetrics`` and otherwise is the sink
/// it wraps.
public struct MeteredSink: Sink {
    public let base: any Sink
    private let metrics: DiscoverydMetrics

    public init(_ base: any Sink, metrics: DiscoverydMetrics) {
        self.base = base
        self.metrics = metrics
    }

    public var name: String { base.name }

    public func apply(_ catalog: ServiceCatalog, options: ApplyOptions) async throws -> SinkReport {
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let report = try await base.apply(catalog, options: options)
            metrics.recordApply(sink: name, duration: start.duration(to: clock.now), result: .success(report))
            return report
        } catch {
            // A cancelled apply (shutdown) is not HAProxy refusing anything.
            if !Task.isCancelled {
                metrics.recordApply(sink: name, duration: start.duration(to: clock.now), result: .failure(error))
            }
            throw error
        }
    }
}
