import Foundation

/// How discoveryd's backends look in the Data Plane API, and how it recognises its own.
///
/// A backend is discoveryd's when its name has the configured prefix **and** it carries the ownership
/// marker: a `description` that **equals** ``marker`` (v2 and v3), or on v3.2+ `metadata["managed-by"]`
/// exactly `discoveryd`. A description that merely mentions discoveryd (`legacy pool, NOT managed by
/// discoveryd`) is not the marker. A backend with the prefix but without the marker was made by someone
/// else and is never touched.
public enum DataPlaneBackendFormat {
    public static let marker = "managed by discoveryd"
    public static let metadataKey = "managed-by"

    /// The body that creates a service's backend: mode, balance, marker, then the service's
    /// `backend_options` (which may override mode and balance, never the name nor the description: the
    /// description is the ownership marker).
    public static func fields(
        forBackend name: String,
        settings: HAProxySinkSettings,
        options: [String: JSONValue]
    ) -> [String: JSONValue] {
        var fields: [String: JSONValue] = [
            "mode": .string(settings.mode.rawValue),
            "balance": balance(settings.balance),
        ]
        for (key, value) in options {
            fields[key] = value
        }
        fields["name"] = .string(name)
        fields["description"] = .string(marker)
        return fields
    }

    /// The `balance` object for a configured algorithm as written in haproxy.cfg: `roundrobin`,
    /// `hdr(host)`, `url_param id`, `uri whole depth 2`, `random(3)`, `rdp-cookie(mstshash)`, `hash <expr>`.
    public static func balance(_ text: String) -> JSONValue {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let head = trimmed.prefix { $0 != "(" && $0 != " " }
        let algorithm = head.lowercased()
        var rest = trimmed.dropFirst(head.count)
        var argument: String?
        if rest.first == "(", let close = rest.firstIndex(of: ")") {
            argument = String(rest[rest.index(after: rest.startIndex)..<close])
            rest = rest[rest.index(after: close)...]
        }
        let words = rest.split(separator: " ").map(String.init)
        var balance: [String: JSONValue] = ["algorithm": .string(algorithm)]
        switch algorithm {
        case "hdr":
            if let argument { balance["hdr_name"] = .string(argument) }
            if words.contains("use_domain_only") { balance["hdr_use_domain_only"] = true }
        case "rdp-cookie":
            if let argument { balance["rdp_cookie_name"] = .string(argument) }
        case "random":
            if let draws = argument.flatMap({ Int($0) }) { balance["random_draws"] = .int(draws) }
        case "url_param":
            if let name = words.first { balance["url_param"] = .string(name) }
        case "uri":
            if words.contains("whole") { balance["uri_whole"] = true }
            if words.contains("path-only") { balance["uri_path_only"] = true }
            for (key, field) in [("len", "uri_len"), ("depth", "uri_depth")] {
                if let index = words.firstIndex(of: key), index + 1 < words.count, let value = Int(words[index + 1]) {
                    balance[field] = .int(value)
                }
            }
        case "hash":
            if !words.isEmpty { balance["hash_expression"] = .string(words.joined(separator: " ")) }
        default:
            break
        }
        return .object(balance)
    }

    public static func isOwned(_ backend: DataPlaneBackend) -> Bool {
        if backend.description == marker { return true }
        if let managedBy = backend.metadata?[metadataKey] {
            return managedBy.stringValue == "discoveryd" || managedBy["value"]?.stringValue == "discoveryd"
        }
        return false
    }
}
