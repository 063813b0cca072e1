/// How discoveryd's backends look in the Data Plane API, and how it recognises its own.
///
/// A backend is discoveryd's when its name has the configured prefix **and** it carries the ownership
/// marker: a `description` containing ``marker`` (v2 and v3), or on v3 `metadata["managed-by"]` naming
/// discoveryd. A backend with the prefix but without the marker was made by someone else and is never
/// touched.
public enum DataPlaneBackendFormat {
    public static let marker = "managed by discoveryd"
    public static let metadataKey = "managed-by"

    /// The body that creates a service's backend: mode, balance, marker, then the service's
    /// `backend_options` (which may override mode and balance, never the name; a `description` of theirs
    /// keeps the marker appended).
    public static func fields(
        forBackend name: String,
        settings: HAProxySinkSettings,
        options: [String: BackendOptionValue]
    ) -> [String: JSONValue] {
        var fields: [String: JSONValue] = [
            "mode": .string(settings.mode.rawValue),
            "balance": ["algorithm": .string(settings.balance)],
        ]
        for (key, value) in options {
            fields[key] = JSONValue(value)
        }
        fields["name"] = .string(name)
        if let description = fields["description"]?.stringValue, !description.isEmpty {
            if !description.contains(marker) { fields["description"] = .string("\(description) (\(marker))") }
        } else {
            fields["description"] = .string(marker)
        }
        return fields
    }

    public static func isOwned(_ backend: DataPlaneBackend) -> Bool {
        if backend.description?.contains(marker) == true { return true }
        if let managedBy = backend.metadata?[metadataKey] {
            return managedBy.stringValue == "discoveryd" || managedBy["value"]?.stringValue == "discoveryd"
        }
        return false
    }
}

extension JSONValue {
    /// A `backend_options` value as JSON.
    public init(_ option: BackendOptionValue) {
        switch option {
        case .string(let value): self = .string(value)
        case .integer(let value): self = .int(value)
        case .number(let value): self = .number(value)
        case .bool(let value): self = .bool(value)
        case .list(let values): self = .array(values.map(JSONValue.init))
        case .object(let values): self = .object(values.mapValues(JSONValue.init))
        case .null: self = .null
        }
    }
}
