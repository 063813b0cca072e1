/// The merged, grouped state of all providers at one moment, without applying it (`discoveryd plan`).
public struct DiscoverySnapshot: Sendable {
    /// Every provider's instances, in provider order.
    public var instancesByProvider: [(provider: String, instances: [Instance])]
    public var grouping: GroupingResult

    public init(instancesByProvider: [(provider: String, instances: [Instance])], grouping: GroupingResult) {
        self.instancesByProvider = instancesByProvider
        self.grouping = grouping
    }

    public var instances: [Instance] { instancesByProvider.flatMap(\.instances) }
    public var catalog: ServiceCatalog { grouping.catalog }
}
