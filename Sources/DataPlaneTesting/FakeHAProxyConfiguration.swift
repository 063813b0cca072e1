import HAProxySink

/// What the fake's haproxy.cfg holds: backends with their servers, in file order.
struct FakeHAProxyConfiguration: Hashable, Sendable {
    struct Backend: Hashable, Sendable {
        var fields: [String: JSONValue]
        /// In file order; each is a `server` object as the API returns it.
        var servers: [[String: JSONValue]] = []

        func serverIndex(_ name: String) -> Int? {
            servers.firstIndex { $0["name"]?.stringValue == name }
        }
    }

    private(set) var backendNames: [String] = []
    private(set) var backends: [String: Backend] = [:]

    subscript(backend name: String) -> Backend? {
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

    var orderedBackends: [Backend] { backendNames.compactMap { backends[$0] } }
}
