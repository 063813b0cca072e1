/// A configuration file that cannot be used, with where and why and what to do about it.
///
/// The ``description`` is the whole message a user sees, e.g.
/// `config.yaml:12: unknown key "haproxy.server_slot"; did you mean "server_slots"?`.
/// Errors are created while decoding (they know the key path) and located afterwards by the loader
/// (which knows the file and finds the line in the YAML node tree).
public struct ConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of problem this is; new kinds can be added without breaking callers that switch on `==`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case unreadableFile = "unreadable file"
            case invalidYAML = "invalid YAML"
            case undefinedVariable = "undefined environment variable"
            case unknownKey = "unknown key"
            case invalidValue = "invalid value"
            case missingKey = "missing key"
            case wrongType = "wrong type"
            case noProvider = "no provider"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The file could not be read.
        public static let unreadableFile = Code(.unreadableFile)
        /// The text is not valid YAML (syntax, duplicate keys, unclosed `${`).
        public static let invalidYAML = Code(.invalidYAML)
        /// `${NAME}` names a variable that is not set and has no default.
        public static let undefinedVariable = Code(.undefinedVariable)
        /// A key that is not part of the configuration format.
        public static let unknownKey = Code(.unknownKey)
        /// A value of the right type outside the allowed set or range.
        public static let invalidValue = Code(.invalidValue)
        /// A required key is absent.
        public static let missingKey = Code(.missingKey)
        /// A value of the wrong YAML type (a list where a string belongs, text where a number belongs).
        public static let wrongType = Code(.wrongType)
        /// No registered provider kind has a section in the file.
        public static let noProvider = Code(.noProvider)

        public var description: String { base.rawValue }
    }

    public let code: Code
    /// The key the problem is about; empty for whole-file problems.
    public var keyPath: ConfigurationKeyPath
    /// The file as the user named it.
    public var file: String?
    /// 1-based line in ``file``.
    public var line: Int?
    /// What is wrong and how to fix it, without the location.
    public var message: String

    public init(code: Code, keyPath: ConfigurationKeyPath = .init(), message: String, file: String? = nil, line: Int? = nil) {
        self.code = code
        self.keyPath = keyPath
        self.message = message
        self.file = file
        self.line = line
    }

    public var description: String {
        switch (file, line) {
        case (let file?, let line?): "\(file):\(line): \(message)"
        case (let file?, nil): "\(file): \(message)"
        case (nil, let line?): "line \(line): \(message)"
        case (nil, nil): message
        }
    }
}

extension ConfigurationError {
    public static func unknownKey(_ key: String, at codingPath: [any CodingKey], validKeys: [String]) -> Self {
        let path = ConfigurationKeyPath(codingPath).appending(.key(key))
        let hint: String
        if let suggestion = KeySuggestion.closest(to: key, among: validKeys) {
            hint = "did you mean \"\(suggestion)\"?"
        } else {
            hint = "valid keys here are: \(validKeys.joined(separator: ", "))"
        }
        return Self(code: .unknownKey, keyPath: path, message: "unknown key \"\(path)\"; \(hint)")
    }

    public static func invalidValue(at codingPath: [any CodingKey], value: String, expected: String) -> Self {
        invalidValue(at: ConfigurationKeyPath(codingPath), value: value, expected: expected)
    }

    public static func invalidValue(at path: ConfigurationKeyPath, value: String, expected: String) -> Self {
        Self(code: .invalidValue, keyPath: path, message: "\(path): invalid value \(value); expected \(expected)")
    }

    public static func missingKey(_ path: ConfigurationKeyPath, hint: String) -> Self {
        Self(code: .missingKey, keyPath: path, message: "\(path): required key is missing; \(hint)")
    }

    /// Translates the errors Yams' decoder throws into the same wording as our own.
    /// - Parameter found: Describes the value at the error's path (`"ten"`, `a list`), when known.
    public init(_ error: DecodingError, found: (ConfigurationKeyPath) -> FoundValue? = { _ in nil }) {
        switch error {
        case .typeMismatch(let type, let context):
            let path = ConfigurationKeyPath(context.codingPath)
            let subject = path.isEmpty ? "the file" : "\(path)"
            let expected = Self.describe(type)
            let message =
                switch found(path) {
                case .scalar(let text)?: "\(subject): invalid value \"\(text)\"; expected \(expected)"
                case .structure(let kind)?: "\(subject): expected \(expected), found \(kind)"
                case nil: "\(subject): expected \(expected)"
                }
            self.init(code: .wrongType, keyPath: path, message: message)
        case .valueNotFound(let type, let context):
            let path = ConfigurationKeyPath(context.codingPath)
            self.init(code: .wrongType, keyPath: path, message: "\(path): expected \(Self.describe(type)), found nothing")
        case .keyNotFound(let key, let context):
            let path = ConfigurationKeyPath(context.codingPath).appending(.key(key.stringValue))
            self = .missingKey(path, hint: "add it")
        case .dataCorrupted(let context):
            let path = ConfigurationKeyPath(context.codingPath)
            self.init(code: .invalidValue, keyPath: path, message: "\(path): \(context.debugDescription)")
        @unknown default:
            self.init(code: .invalidValue, message: "\(error)")
        }
    }

    /// What the file holds where a value of another type was expected.
    public enum FoundValue {
        case scalar(String)
        case structure(String)
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type: "a whole number"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        default:
            switch "\(type)" {
            case "Mapping": "a mapping (key: value lines)"
            case "Sequence": "a list"
            case "Scalar": "a single value"
            default: "a value of type \(type)"
            }
        }
    }

    public func located(in file: String, line: Int?) -> Self {
        var located = self
        located.file = file
        located.line = line ?? self.line
        return located
    }
}
