import HAProxySink

/// What the fake's haproxy.cfg holds: backends with their servers, in file order.
public struct FakeHAProxyConfiguration: Hashable, Sendable {
    public struct Backend: Hashable, Sendable {
        public var fields: [String: JSONValue]
        /// In file order; each is a `server` object as the API returns it.
        public var servers: [[String: JSONValue]] = []

        public init(fields: [String: JSONValue], servers: [[String: JSONValue]] = []) {
            self.fields = fields
            self.servers = servers
        }

        public func serverIndex(_ name: String) -> Int? {
            servers.firstIndex { $0["name"]?.stringValue == name }
        }
    }

    public private(set) var backendNames: [String] = []
    public private(set) var backends: [String: Backend] = [:]

    public subscript(backend name: String) -> Backend? {
        get { backends[name] }
        set {
            if let newValue {
                if backends[name] == nil { backendNames.append(name) }
                backends[name] = newValue
            } else if backends.removeValue(forKey: name) != nil {
                backendNames.removeAll { $0 == name }
            }
        }
    }

    public var orderedBackends: [Backend] { backendNames.compactMap { backends[$0] } }
}
