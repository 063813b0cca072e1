/// The tag names that put an instance into a service. Defaults match the existing Python daemon.
public struct TagNames: Hashable, Sendable {
    public var serviceName: String
    public var servicePort: String
    /// Overrides the port of the one instance that carries it.
    public var instancePort: String

    public init(
        serviceName: String = "HAProxy:Service:Name",
        servicePort: String = "HAProxy:Service:Port",
        instancePort: String = "HAProxy:Instance:Port"
    ) {
        self.serviceName = serviceName
        self.servicePort = servicePort
        self.instancePort = instancePort
    }
}
