import Foundation

// Strict decoding lives in ProviderKit so that every module decodes its own configuration section with the
// same messages; the YAML loader that feeds it stays with the daemon (ProviderKit does not import Yams).

// Strict decoding, written once for every section: a section decodes through
// `decoder.strictContainer(keyedBy: CodingKeys.self)`, and any key of the YAML mapping that is not
// one of `CodingKeys.allCases` is an error naming its path and the closest valid key.

extension Decoder {
    /// A keyed container that first rejects every key not in `Key.allCases`, in file order.
    public func strictContainer<Key: CodingKey & CaseIterable>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        let everyKey = try container(keyedBy: AnyConfigurationKey.self)
        let validKeys = Key.allCases.map(\.stringValue)
        for key in everyKey.allKeys where !validKeys.contains(key.stringValue) {
            throw ConfigurationError.unknownKey(key.stringValue, at: codingPath, validKeys: validKeys)
        }
        return try container(keyedBy: type)
    }

    /// What the loader knows that a section may need: where the file lives, the environment.
    public var configurationContext: ConfigurationDecodingContext {
        userInfo[ConfigurationDecodingContext.userInfoKey] as? ConfigurationDecodingContext
            ?? ConfigurationDecodingContext(directory: FileManager.default.currentDirectoryPath, environment: [:])
    }
}

/// Passed to sections through the decoder's `userInfo`.
public struct ConfigurationDecodingContext: Sendable {
    public static let userInfoKey = CodingUserInfoKey(rawValue: "discoveryd.configuration.context")!

    /// The directory of the configuration file; relative paths in it are relative to this.
    public var directory: String
    /// For credential fallbacks such as `AZURE_TENANT_ID`.
    public var environment: [String: String]

    public init(directory: String, environment: [String: String]) {
        self.directory = directory
        self.environment = environment
    }

    public func resolve(path: String) -> String {
        if path.hasPrefix("/") { return path }
        return URL(fileURLWithPath: directory, isDirectory: true).appendingPathComponent(path).standardizedFileURL.path
    }
}

extension KeyedDecodingContainer {
    /// The value, or `defaultValue` when the key is absent or explicitly `null`.
    public func decode<T: Decodable>(_ type: T.Type, forKey key: Key, default defaultValue: T) throws -> T {
        try decodeIfPresent(type, forKey: key) ?? defaultValue
    }

    /// Throws an ``ConfigurationError/Code/invalidValue`` error for `key` unless `condition` holds.
    public func require(
        _ condition: Bool,
        _ key: Key,
        value: @autoclosure () -> String,
        expected: @autoclosure () -> String
    ) throws {
        guard condition else {
            throw ConfigurationError.invalidValue(at: codingPath + [key], value: value(), expected: expected())
        }
    }

    /// A string that must not be empty or blank.
    public func decodeNonEmptyString(forKey key: Key, default defaultValue: String, expected: String) throws -> String {
        let value = try decode(String.self, forKey: key, default: defaultValue)
        try require(!value.trimmingCharacters(in: .whitespaces).isEmpty, key, value: "\"\(value)\"", expected: expected)
        return value
    }

    /// A path, resolved against the configuration file's directory.
    public func decodePathIfPresent(forKey key: Key, decoder context: ConfigurationDecodingContext) throws -> String? {
        guard let path = try decodeIfPresent(String.self, forKey: key) else { return nil }
        try require(!path.isEmpty, key, value: "\"\"", expected: "a file path (or leave the key out)")
        return context.resolve(path: path)
    }
}

/// A closed set of words in the configuration (`http|tcp`, `linear|exponential`).
///
/// Matching ignores case, and ``aliases`` accept the spellings other tools use, so that files written
/// for the Python daemon load unchanged. Anything else is an error listing the allowed words.
public protocol ConfigurationWord: RawRepresentable<String>, CaseIterable, Decodable, Sendable {
    /// Other accepted spellings, matched ignoring case.
    static var aliases: [String: Self] { get }
}

extension ConfigurationWord {
    public static var aliases: [String: Self] { [:] }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        let lowered = text.trimmingCharacters(in: .whitespaces).lowercased()
        if let match = Self.allCases.first(where: { $0.rawValue.lowercased() == lowered })
            ?? Self.aliases.first(where: { $0.key.lowercased() == lowered })?.value
        {
            self = match
            return
        }
        throw ConfigurationError.invalidValue(
            at: decoder.codingPath,
            value: "\"\(text)\"",
            expected: "one of: \(Self.allCases.map(\.rawValue).joined(separator: ", "))"
        )
    }
}

/// A value written either as one item or as a list of items (`subscription_id`, `static`).
public struct OneOrMany<Element: Decodable>: Decodable {
    public var elements: [Element]
    /// Whether the file used the list form, so that messages can say `key[1]` or just `key`.
    public var isList: Bool

    public init(from decoder: any Decoder) throws {
        if var list = try? decoder.unkeyedContainer() {
            var elements: [Element] = []
            while !list.isAtEnd {
                elements.append(try list.decode(Element.self))
            }
            self.elements = elements
            self.isList = true
        } else {
            self.elements = [try Element(from: decoder)]
            self.isList = false
        }
    }
}
