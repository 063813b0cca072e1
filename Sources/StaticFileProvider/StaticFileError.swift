/// Why a static inventory file could not be used, and where to fix it.
///
/// Every error names the file and, when known, the line, the entry (`instances[3]`, with its id) and the field,
/// and its message says how to fix the problem. `description` renders all of it on one line, in the shape
/// compilers use so editors can jump to it:
///
/// ```
/// Fixtures/demo/instances.yaml:7: instances[1] (id "web-2"): unknown key "adress"; did you mean "address"?
/// ```
///
/// Match on ``code`` rather than on the message: messages may be improved, codes stay.
public struct StaticFileError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of problem this is. A struct rather than an enum so new kinds can be added without breaking
    /// exhaustive switches in clients.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: Hashable, Sendable {
            case unreadableFile
            case syntax
            case unknownKey
            case wrongType
            case missingField
            case invalidValue
            case duplicateID
        }

        private let backing: Backing
        private init(_ backing: Backing) { self.backing = backing }

        /// The file is missing, is a directory, cannot be read or is not UTF-8 text.
        public static let unreadableFile = Code(.unreadableFile)
        /// The file is not well-formed YAML or JSON.
        public static let syntax = Code(.syntax)
        /// A key the format does not know, most often a typo.
        public static let unknownKey = Code(.unknownKey)
        /// A value of the wrong kind, such as a list where a mapping belongs.
        public static let wrongType = Code(.wrongType)
        /// A required field is absent or empty.
        public static let missingField = Code(.missingField)
        /// A value of the right kind that is still unusable, such as an address that is not an IP literal.
        public static let invalidValue = Code(.invalidValue)
        /// Two entries share an id.
        public static let duplicateID = Code(.duplicateID)

        public var description: String {
            switch backing {
            case .unreadableFile: "unreadableFile"
            case .syntax: "syntax"
            case .unknownKey: "unknownKey"
            case .wrongType: "wrongType"
            case .missingField: "missingField"
            case .invalidValue: "invalidValue"
            case .duplicateID: "duplicateID"
            }
        }
    }

    /// The entry of the `instances` list an error is about.
    public struct Entry: Hashable, Sendable, CustomStringConvertible {
        /// Zero-based position in the `instances` list.
        public var index: Int
        /// The entry's id, when it has a readable one.
        public var id: String?

        public init(index: Int, id: String? = nil) {
            self.index = index
            self.id = id
        }

        public var description: String {
            if let id { "instances[\(index)] (id \"\(id)\")" } else { "instances[\(index)]" }
        }
    }

    public var code: Code
    /// The path as the user gave it (relative paths stay relative, so messages match the configuration).
    public var file: String
    /// One-based line of the offending key or value; `nil` when unknown (JSON syntax errors, unreadable files).
    public var line: Int?
    public var entry: Entry?
    /// The field, as written in the file (`address`, `tags`, `instances`).
    public var field: String?
    /// What is wrong and how to fix it.
    public var message: String

    public init(
        code: Code,
        file: String,
        line: Int? = nil,
        entry: Entry? = nil,
        field: String? = nil,
        message: String
    ) {
        self.code = code
        self.file = file
        self.line = line
        self.entry = entry
        self.field = field
        self.message = message
    }

    public var description: String {
        var location = file
        if let line { location += ":\(line)" }
        var parts = [location]
        if let entry { parts.append(entry.description) }
        parts.append(message)
        return parts.joined(separator: ": ")
    }

    /// ``description`` without the file, for a sentence that has named it already
    /// (`static file fleet.yaml: line 7: instances[1] (id "web-2"): ...`).
    public var descriptionWithoutFile: String {
        var parts: [String] = []
        if let line { parts.append("line \(line)") }
        if let entry { parts.append(entry.description) }
        parts.append(message)
        return parts.joined(separator: ": ")
    }
}
