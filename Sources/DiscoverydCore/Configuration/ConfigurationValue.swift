/// A free-form YAML value, for the few places where the file passes fields through to HAProxy
/// (`haproxy.backend_options`) instead of the format defining them.
public enum ConfigurationValue: Hashable, Sendable, Decodable, CustomStringConvertible {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([ConfigurationValue])
    case map([String: ConfigurationValue])

    public init(from decoder: any Decoder) throws {
        if let map = try? decoder.container(keyedBy: AnyConfigurationKey.self) {
            var values: [String: ConfigurationValue] = [:]
            for key in map.allKeys {
                values[key.stringValue] = try map.decode(ConfigurationValue.self, forKey: key)
            }
            self = .map(values)
        } else if var list = try? decoder.unkeyedContainer() {
            var values: [ConfigurationValue] = []
            while !list.isAtEnd {
                values.append(try list.decode(ConfigurationValue.self))
            }
            self = .list(values)
        } else {
            let scalar = try decoder.singleValueContainer()
            if scalar.decodeNil() {
                self = .null
            } else if let bool = try? scalar.decode(Bool.self) {
                self = .bool(bool)
            } else if let int = try? scalar.decode(Int.self) {
                self = .int(int)
            } else if let double = try? scalar.decode(Double.self) {
                self = .double(double)
            } else {
                self = .string(try scalar.decode(String.self))
            }
        }
    }

    public var description: String {
        switch self {
        case .null: "null"
        case .bool(let value): "\(value)"
        case .int(let value): "\(value)"
        case .double(let value): "\(value)"
        case .string(let value): "\"\(value)\""
        case .list(let values): "[\(values.map(\.description).joined(separator: ", "))]"
        case .map(let values):
            "{\(values.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", "))}"
        }
    }
}
