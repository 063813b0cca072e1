/// What instances are grouped by: one HAProxy backend per key.
public struct ServiceKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var name: String
    /// The service port from the service-port tag; individual endpoints may override it.
    public var port: Int
    public var region: String

    public init(name: String, port: Int, region: String) {
        self.name = name
        self.port = port
        self.region = region
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.name, lhs.port, lhs.region) < (rhs.name, rhs.port, rhs.region)
    }

    public var description: String { "\(name):\(port)@\(region)" }
}

/// One instance as a member of a service: where traffic for the service should go.
public struct Endpoint: Hashable, Sendable {
    public var instanceID: InstanceID
    public var instanceName: String
    public var address: String
    /// The service port, or the instance-port tag when the instance overrides it.
    public var port: Int
    public var zone: String?
    /// The instance's tags, for sinks that derive per-server settings from them (e.g. weights).
    public var tags: [String: String]

    public init(
        instanceID: InstanceID,
        instanceName: String,
        address: String,
        port: Int,
        zone: String? = nil,
        tags: [String: String] = [:]
    ) {
        self.instanceID = instanceID
        self.instanceName = instanceName
        self.address = address
        self.port = port
        self.zone = zone
        self.tags = tags
    }
}

/// A service and every endpoint that currently serves it, ordered by instance id.
public struct DiscoveredService: Hashable, Sendable {
    public var key: ServiceKey
    public var endpoints: [Endpoint]

    public init(key: ServiceKey, endpoints: [Endpoint]) {
        var endpoints = endpoints
        endpoints.sort { $0.instanceID < $1.instanceID }
        self.init(key: key, sortedEndpoints: endpoints)
    }

    /// For callers that sorted in place already, saving a copy of every endpoint.
    init(key: ServiceKey, sortedEndpoints: [Endpoint]) {
        self.key = key
        self.endpoints = sortedEndpoints
    }
}

/// The complete desired state handed to a ``Sink``: every service that exists right now.
///
/// A service missing from the catalog has disappeared; sinks retire it (never delete it).
public struct ServiceCatalog: Hashable, Sendable {
    public private(set) var services: [ServiceKey: DiscoveredService]

    public init(_ services: [DiscoveredService] = []) {
        var byKey: [ServiceKey: DiscoveredService] = [:]
        for service in services {
            if var existing = byKey[service.key] {
                existing = DiscoveredService(key: service.key, endpoints: existing.endpoints + service.endpoints)
                byKey[service.key] = existing
            } else {
                byKey[service.key] = service
            }
        }
        self.services = byKey
    }

    /// For the grouper, whose services are keyed by their own keys already.
    init(uniqueServices: [ServiceKey: DiscoveredService]) {
        self.services = uniqueServices
    }

    /// Services in a stable order, for output and deterministic planning.
    public var sorted: [DiscoveredService] {
        services.values.sorted { $0.key < $1.key }
    }

    /// Adds `endpoint` to the service `key` (created if needed), unless an endpoint of the same instance
    /// is already there.
    public mutating func insert(_ endpoint: Endpoint, into key: ServiceKey) {
        var service = services[key] ?? DiscoveredService(key: key, sortedEndpoints: [])
        guard !service.endpoints.contains(where: { $0.instanceID == endpoint.instanceID }) else { return }
        service = DiscoveredService(key: key, endpoints: service.endpoints + [endpoint])
        services[key] = service
    }

    public var endpointCount: Int { services.values.reduce(0) { $0 + $1.endpoints.count } }
}
