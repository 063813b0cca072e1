/// A `server` object of the Data Plane API (`server_params` plus name, address and port).
///
/// Kept as its JSON fields: a `PUT` replaces the whole server, so fields this package does not model must
/// be visible (to detect someone else's edits) and must not be invented.
public struct DataPlaneServer: Hashable, Sendable {
    public var fields: [String: JSONValue]

    public init(fields: [String: JSONValue]) {
        self.fields = fields
    }

    public var name: String { fields["name"]?.stringValue ?? "" }
    public var address: String { fields["address"]?.stringValue ?? "" }
    public var port: Int? { fields["port"]?.intValue }
    public var weight: Int? { fields["weight"]?.intValue }
    /// `maintenance: enabled` is HAProxy's `disabled` keyword: the server takes no traffic.
    public var isInMaintenance: Bool { fields["maintenance"]?.stringValue == "enabled" }
}

/// A `backend` object. Only the fields discovery reads are exposed; the rest stay in ``fields``.
public struct DataPlaneBackend: Hashable, Sendable {
    public var fields: [String: JSONValue]

    public init(fields: [String: JSONValue]) {
        self.fields = fields
    }

    public var name: String { fields["name"]?.stringValue ?? "" }
    public var description: String? { fields["description"]?.stringValue }
    /// v3.2+ only: a free map stored as the section's comment.
    public var metadata: [String: JSONValue]? { fields["metadata"]?.objectValue }
}

/// A configuration transaction (`{_version, id, status}`).
public struct DataPlaneTransaction: Hashable, Sendable, Codable {
    public var id: String
    public var version: Int?
    public var status: String?

    enum CodingKeys: String, CodingKey {
        case id
        case version = "_version"
        case status
    }

    public init(id: String, version: Int? = nil, status: String? = nil) {
        self.id = id
        self.version = version
        self.status = status
    }
}

/// Where a write goes: straight to the configuration (guarded by its version) or into a transaction.
/// The API rejects a write that names both, or neither.
public enum DataPlaneWriteTarget: Hashable, Sendable {
    case version(Int)
    case transaction(String)
}

/// What the API said about an accepted write.
public struct DataPlaneWriteOutcome: Hashable, Sendable {
    public var status: Int
    /// The `Reload-ID` header: the write queued a reload of HAProxy.
    public var reloadID: String?
    /// The `Configuration-Version` header, when the API sent one.
    public var configurationVersion: Int?
    /// The write made HAProxy reload (as opposed to being applied through the runtime API, or staged in
    /// a transaction): a 202 outside a transaction, or a commit.
    public var reloaded: Bool

    public init(status: Int, reloadID: String? = nil, configurationVersion: Int? = nil, reloaded: Bool) {
        self.status = status
        self.reloadID = reloadID
        self.configurationVersion = configurationVersion
        self.reloaded = reloaded
    }
}
