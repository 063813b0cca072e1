import HAProxySink

/// Body validation of the fake, per the `server` and `backend` schemas (answers 422 like the v3
/// middleware's schema check).
enum FakeValidation {
    static func server(_ fields: [String: JSONValue], _ version: DataPlaneAPIVersion)
        -> Result<[String: JSONValue], FakeError>
    {
        let unknown = Set(fields.keys).subtracting(FakeDataPlaneSchema.serverFields(version))
        if let field = unknown.sorted().first {
            return .failure(FakeError(422, "server: property '\(field)' is not allowed"))
        }
        guard let name = fields["name"]?.stringValue, !name.isEmpty, !name.contains(where: \.isWhitespace) else {
            return .failure(FakeError(422, "server.name in body is required and must match ^[^\\s]+$"))
        }
        guard let address = fields["address"]?.stringValue, !address.isEmpty,
            !address.contains(where: \.isWhitespace)
        else {
            return .failure(FakeError(422, "server.address in body is required and must match ^[^\\s]+$"))
        }
        if let port = fields["port"], port != .null {
            guard let value = port.intValue, (1...65535).contains(value) else {
                return .failure(FakeError(422, "server.port in body should be between 1 and 65535"))
            }
        }
        if let weight = fields["weight"], weight != .null, weight.intValue == nil {
            return .failure(FakeError(422, "server.weight in body must be of type integer"))
        }
        for toggle in ["check", "maintenance", "backup"] {
            if let value = fields[toggle], !["enabled", "disabled"].contains(value.stringValue ?? "") {
                return .failure(FakeError(422, "server.\(toggle) in body should be one of [enabled disabled]"))
            }
        }
        if let cookie = fields["cookie"], cookie.stringValue?.contains(where: \.isWhitespace) ?? true {
            return .failure(FakeError(422, "server.cookie in body must match ^[^\\s]+$"))
        }
        return .success(fields)
    }

    static func backend(_ fields: [String: JSONValue], _ version: DataPlaneAPIVersion)
        -> Result<[String: JSONValue], FakeError>
    {
        let unknown = Set(fields.keys).subtracting(FakeDataPlaneSchema.backendFields(version))
        if let field = unknown.sorted().first {
            return .failure(FakeError(422, "backend: property '\(field)' is not allowed"))
        }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:")
        guard let name = fields["name"]?.stringValue, !name.isEmpty, name.allSatisfy(allowed.contains) else {
            return .failure(FakeError(422, "backend.name in body is required and must match ^[A-Za-z0-9-_.:]+$"))
        }
        if let mode = fields["mode"], !["http", "tcp", "log"].contains(mode.stringValue ?? "") {
            return .failure(FakeError(422, "backend.mode in body should be one of [http tcp log]"))
        }
        if let balance = fields["balance"] {
            guard let algorithm = balance["algorithm"]?.stringValue,
                FakeDataPlaneSchema.balanceAlgorithms.contains(algorithm)
            else {
                return .failure(FakeError(422, "backend.balance.algorithm in body is required and must be a known algorithm"))
            }
        }
        if version == .v3, let metadata = fields["metadata"] {
            guard let map = metadata.objectValue, map.values.allSatisfy({ $0.objectValue != nil }) else {
                return .failure(FakeError(422, "backend.metadata in body must be a map of objects"))
            }
        }
        return .success(fields)
    }
}
