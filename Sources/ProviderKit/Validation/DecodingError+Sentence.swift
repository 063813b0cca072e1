extension DecodingError {
    /// What was wrong and where, as one sentence: `"port" at servers[2]: expected a number, found a string`,
    /// instead of Swift's dump of the error's cases and coding keys.
    public var sentence: String {
        switch self {
        case .keyNotFound(let key, let context):
            return "missing key \"\(key.stringValue)\"" + Self.location(context.codingPath)
        case .valueNotFound(let type, let context):
            return "missing value (expected \(Self.name(of: type)))" + Self.location(context.codingPath)
        case .typeMismatch(let type, let context):
            return "expected \(Self.name(of: type))" + Self.location(context.codingPath)
        case .dataCorrupted(let context):
            return context.debugDescription + Self.location(context.codingPath)
        @unknown default:
            return "cannot be decoded"
        }
    }

    /// ` at servers[2].port`, or nothing at the top level.
    private static func location(_ path: [any CodingKey]) -> String {
        guard !path.isEmpty else { return "" }
        var text = ""
        for key in path {
            if let index = key.intValue { text += "[\(index)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
        }
        return " at \(text)"
    }

    /// `a number` for the numeric types, `text` for String, `a list`, `an object`; else the type's name.
    private static func name(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "text"
        case is Int.Type, is Int64.Type, is Int32.Type, is UInt.Type, is Double.Type, is Float.Type: "a number"
        case is Bool.Type: "true or false"
        default:
            String(describing: type).hasPrefix("Array") ? "a list"
                : String(describing: type).hasPrefix("Dictionary") ? "an object" : "\(type)"
        }
    }
}

/// An error's description for a person: a `DecodingError` as its ``Swift/DecodingError/sentence``, any other
/// error as its own description.
public func readableDescription(of error: any Error) -> String {
    if let error = error as? DecodingError { return error.sentence }
    return "\(error)"
}
