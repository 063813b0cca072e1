/// The last good answer of every provider.
///
/// A provider's failure never replaces its snapshot: the loop keeps serving what the provider last said
/// until it answers again. The store is ready (the startup gate opens) once every provider has answered
/// at least once; before that the merged state would be missing a provider's instances, and applying it
/// would retire that provider's services.
public struct SnapshotStore: Hashable, Sendable {
    /// What one provider last said successfully, and how it has fared since.
    public struct Snapshot: Hashable, Sendable {
        public var instances: [Instance]
        /// Failed fetches since the last success, for logs.
        public var consecutiveFailures: Int
    }

    /// Providers in configuration order, so merged output is stable.
    public let providerNames: [String]
    public private(set) var snapshots: [String: Snapshot] = [:]
    /// Failed fetches per provider over the life of the store, including those before the first success.
    public private(set) var failureCounts: [String: Int] = [:]

    public init(providerNames: [String]) {
        self.providerNames = providerNames
    }

    /// Every provider has succeeded at least once.
    public var isReady: Bool { providerNames.allSatisfy { snapshots[$0] != nil } }

    /// Providers that have never succeeded.
    public var missingProviders: [String] { providerNames.filter { snapshots[$0] == nil } }

    public mutating func recordSuccess(provider: String, instances: [Instance]) {
        snapshots[provider] = Snapshot(instances: instances, consecutiveFailures: 0)
    }

    /// Records a failure and returns the snapshot that stands in for it, if any.
    @discardableResult
    public mutating func recordFailure(provider: String) -> Snapshot? {
        failureCounts[provider, default: 0] += 1
        snapshots[provider]?.consecutiveFailures += 1
        return snapshots[provider]
    }

    /// The last good instances of every provider, in provider order.
    public var mergedInstances: [Instance] {
        providerNames.flatMap { snapshots[$0]?.instances ?? [] }
    }
}
