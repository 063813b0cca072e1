import ProviderKit

/// A provider that times its fetches into ``DiscoverydMetrics`` and otherwise is the provider it wraps.
public struct MeteredProvider: Provider {
    public let base: any Provider
    private let metrics: DiscoverydMetrics

    public init(_ base: any Provider, metrics: DiscoverydMetrics) {
        self.base = base
        self.metrics = metrics
    }

    public var name: String { base.name }

    public func fetchInstances() async throws -> [Instance] {
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let instances = try await base.fetchInstances()
            metrics.recordFetch(provider: name, duration: start.duration(to: clock.now), instances: instances)
            return instances
        } catch {
            metrics.recordFetch(provider: name, duration: start.duration(to: clock.now), instances: nil)
            throw error
        }
    }

    public func watchForChanges(_ changed: @escaping @Sendable () -> Void) async throws {
        try await base.watchForChanges(changed)
    }
}
