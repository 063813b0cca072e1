/// The power state of an ``Instance``. Only ``running`` instances become servers.
public struct InstanceState: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue.lowercased() }

    public static let running = InstanceState(rawValue: "running")
    public static let starting = InstanceState(rawValue: "starting")
    public static let stopping = InstanceState(rawValue: "stopping")
    public static let stopped = InstanceState(rawValue: "stopped")
    public static let deallocating = InstanceState(rawValue: "deallocating")
    public static let deallocated = InstanceState(rawValue: "deallocated")
    public static let unknown = InstanceState(rawValue: "unknown")

    public var description: String { rawValue }
}
