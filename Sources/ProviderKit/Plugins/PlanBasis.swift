/// What a plan was made from and against: the lines above the table of `discoveryd plan`, and the
/// `target`, `offline` and `discovery` keys of `plan --format json`, the same for every sink.
public struct PlanBasis: Hashable, Sendable, Codable {
    /// What the sink planned against: its live target, or what an offline plan assumes.
    public var target: String
    /// `true` when planned without reading the target (`plan --offline`).
    public var offline: Bool
    public var discovery: Discovery

    /// The instances the providers listed, and how many of them the plan serves.
    public struct Discovery: Hashable, Sendable, Codable {
        public var instances: Int
        public var providers: Int
        /// Instances in a service, after the tag filter and the grouper's checks.
        public var served: Int
        public var services: Int
        /// Instances listed but left out, one entry per reason (`stopped`, `untagged`, `malformed tag` ...)
        /// in the order first met.
        public var leftOut: [LeftOut]

        public init(instances: Int, providers: Int, served: Int, services: Int, leftOut: [LeftOut]) {
            self.instances = instances
            self.providers = providers
            self.served = served
            self.services = services
            self.leftOut = leftOut
        }
    }

    public struct LeftOut: Hashable, Sendable, Codable {
        public var reason: String
        public var count: Int

        public init(reason: String, count: Int) {
            self.reason = reason
            self.count = count
        }
    }

    public init(target: String, offline: Bool, discovery: Discovery) {
        self.target = target
        self.offline = offline
        self.discovery = discovery
    }
}
