/// A configuration value that must never reach a log line, an error message or `dump()`.
///
/// Every textual representation is redacted; the only way to the value is ``revealed``, which a
/// reader of the code can grep for.
public struct Secret: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The secret itself, for the one place that has to send it (an Authorization header, a token request).
    public let revealed: String

    public init(_ value: String) {
        self.revealed = value
    }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    /// Keeps `dump()` and `String(reflecting:)` of an enclosing value from walking into the stored property.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}

extension Secret: Decodable {
    public init(from decoder: any Decoder) throws {
        let value = try decoder.singleValueContainer().decode(String.self)
        guard !value.isEmpty else {
            throw ConfigurationError.invalidValue(
                at: decoder.codingPath,
                value: "\"\"",
                expected: "a non-empty secret (or leave the key out)"
            )
        }
        self.init(value)
    }
}
