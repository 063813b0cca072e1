/// A setting of the HAProxy sinks that cannot work, with the configuration key to fix.
///
/// Extensible like `ServiceRunnerError`: match on ``code``; new codes can be added without breaking callers.
public struct HAProxySinkSettingsError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: Hashable, Sendable {
            case invalidNamePrefix
            case invalidNameSeparator
            case invalidSlotBase
            case invalidGrowthFactor
            case invalidWeight
            case invalidDrainSeconds
        }

        private var backing: Backing
        private init(_ backing: Backing) { self.backing = backing }

        /// `name_prefix` is empty or has characters HAProxy rejects in a backend name.
        public static let invalidNamePrefix = Code(.invalidNamePrefix)
        /// `name_separator` is empty or has characters HAProxy rejects in a backend name.
        public static let invalidNameSeparator = Code(.invalidNameSeparator)
        /// `server_slots.base` is below the minimum.
        public static let invalidSlotBase = Code(.invalidSlotBase)
        /// `server_slots.growth_factor` cannot grow capacity.
        public static let invalidGrowthFactor = Code(.invalidGrowthFactor)
        /// A server weight outside HAProxy's 0...256.
        public static let invalidWeight = Code(.invalidWeight)
        /// `drain_seconds` is negative, not a number, or absurdly long.
        public static let invalidDrainSeconds = Code(.invalidDrainSeconds)

        public var description: String { String(describing: backing) }
    }

    public var code: Code
    /// The configuration key, e.g. `haproxy.server_slots.base`.
    public var key: String
    /// What is wrong and how to fix it.
    public var message: String

    /// The rejected value as the user wrote it, and what would be accepted, when the error is about one value.
    public var value: String?
    public var expected: String?

    public init(code: Code, key: String, message: String) {
        self.code = code
        self.key = key
        self.message = message
    }

    /// `<key>: invalid value <value>; expected <expected>`, the wording of a configuration file error.
    public static func invalidValue(_ code: Code, key: String, value: String, expected: String) -> Self {
        var error = Self(code: code, key: key, message: "invalid value \(value); expected \(expected)")
        error.value = value
        error.expected = expected
        return error
    }

    public var description: String { "\(key): \(message)" }
}
