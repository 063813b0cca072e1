/// A backend with its children, as the v3.1+ `full_section=true` endpoints read and write it: the backend's
/// own fields plus `servers` (a map by name) and the other child lists (`http_request_rule_list`,
/// `acl_list`, ...).
///
/// discoveryd owns only its `srvN` slots in a backend it created. Everything else a full section carries
/// (rules, hand-added servers, server templates, parameters) is kept here exactly as read, so that a write
/// of the whole section can carry it over unchanged.
public struct DataPlaneBackendSection: Hashable, Sendable {
    /// The properties of the `backend` schema that are child resources, not the backend's own fields
    /// (`dataplane_spec_v3_openapi3.yaml`, `backend` = `backend_base` + these).
    public static let childKeys: Set<String> = [
        "acl_list", "filter_list", "filter_sequence_list", "http_after_response_rule_list", "http_check_list",
        "http_error_rule_list", "http_request_rule_list", "http_response_rule_list", "log_target_list",
        "server_switching_rule_list", "server_templates", "servers", "stick_rule_list", "tcp_check_rule_list",
        "tcp_request_rule_list", "tcp_response_rule_list",
    ]

    /// The backend's own fields (`backend_base`), as a plain read returns them.
    public var backend: DataPlaneBackend
    /// Every server, ordered by slot (`srv1`, `srv2`, ... `srv10`), then other names: the API returns a map,
    /// so the file order is not known.
    public var servers: [DataPlaneServer]
    /// The other child resources, raw, by property name.
    public var otherChildren: [String: JSONValue]

    public init(backend: DataPlaneBackend, servers: [DataPlaneServer], otherChildren: [String: JSONValue] = [:]) {
        self.backend = backend
        self.servers = servers
        self.otherChildren = otherChildren
    }

    /// Splits one element of a `full_section` backend list.
    public init(fields: [String: JSONValue]) {
        var own = fields
        var children: [String: JSONValue] = [:]
        for key in Self.childKeys {
            if let value = own.removeValue(forKey: key) { children[key] = value }
        }
        let serverMap = children.removeValue(forKey: "servers")?.objectValue ?? [:]
        self.backend = DataPlaneBackend(fields: own)
        let servers = serverMap.map { name, value in
            var server = value.objectValue ?? [:]
            if server["name"] == nil { server["name"] = .string(name) }
            return DataPlaneServer(fields: server)
        }
        // Each server's slot index worked out once, not in every comparison.
        self.servers = servers.map { (SlotName.index(of: $0.name) ?? Int.max, $0.name, $0) }
            .sorted { ($0.0, $0.1) < ($1.0, $1.1) }
            .map(\.2)
        self.otherChildren = children
    }

    /// The request body that writes the whole section: own fields, children as read, `servers` as a map.
    public var fields: [String: JSONValue] {
        var fields = backend.fields
        for (key, value) in otherChildren { fields[key] = value }
        if !servers.isEmpty {
            let byName = servers.map { server in (server.name, JSONValue.object(server.fields)) }
            fields["servers"] = .object(Dictionary(byName) { first, _ in first })
        }
        return fields
    }

    /// `srv2` before `srv10`; names that are not slots after every slot, by name.
    public static func slotOrder(_ lhs: DataPlaneServer, _ rhs: DataPlaneServer) -> Bool {
        switch (SlotName.index(of: lhs.name), SlotName.index(of: rhs.name)) {
        case let (left?, right?): left < right
        case (.some, nil): true
        case (nil, .some): false
        case (nil, nil): lhs.name < rhs.name
        }
    }
}

/// The Data Plane API release a server runs (`GET /info` → `api.version`, e.g. `v3.4.2 8613429`).
public struct DataPlaneRelease: Hashable, Sendable, Comparable {
    public var major: Int
    public var minor: Int

    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// Reads `v3.4.2 8613429`, `3.1.0`, `v2.9.27-ee1`: the first two numbers.
    public init?(versionString: String) {
        let head = versionString.split(separator: " ").first.map(String.init) ?? ""
        let numbers = head.drop { $0 == "v" || $0 == "V" }.split(separator: ".").prefix(2)
            .map { part in Int(part.prefix(while: \.isNumber)) }
        guard numbers.count == 2, let major = numbers[0], let minor = numbers[1] else { return nil }
        self.init(major: major, minor: minor)
    }

    /// The first release whose backend endpoints take `full_section`. 3.0's handlers (client-native v6) do not
    /// have the parameter; the v3.4 specification in `shared/reference/dataplaneapi` does. An older server
    /// would silently ignore the parameter, so discoveryd never sends it below this release.
    public static let fullSection = DataPlaneRelease(major: 3, minor: 1)

    public var supportsFullSection: Bool { self >= Self.fullSection }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
    }
}
