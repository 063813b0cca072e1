/// A value of an extra backend field from `backend_options` (anything YAML/JSON can hold), passed through
/// to the Data Plane API when the backend is created.
public indirect enum BackendOptionValue: Hashable, Sendable, Codable {
    case string(String)
    case integer(Int)
    case number(Double)
    case bool(Bool)
    case list([BackendOptionValue])
    case object([String: BackendOptionValue])
    case null

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([BackendOptionValue].self) {
            self = .list(value)
        } else if let value = try? container.decode([String: BackendOptionValue].self) {
            self = .object(value)
        } else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "expected a string, number, boolean, list, map or null"
            )
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .list(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        case .null: try container.encodeNil()
        }
    }
}
