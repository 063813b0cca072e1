import Foundation

/// The file's schema as written by users, decoded strictly: unknown keys are errors, not ignored, so a typo
/// (`adress:`) is reported instead of silently dropping a machine from HAProxy.
///
/// Decoded with either `YAMLDecoder` or `JSONDecoder`; everything here is format-neutral.
struct InventoryDocument: Decodable {
    var instances: [InventoryEntry]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case instances
    }

    init(from decoder: any Decoder) throws {
        try UnknownKeyError.check(decoder, allowed: CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard container.contains(.instances) else {
            throw MissingValueError(codingPath: decoder.codingPath + [CodingKeys.instances])
        }
        if try container.decodeNil(forKey: .instances) {
            throw MissingValueError(codingPath: decoder.codingPath + [CodingKeys.instances])
        }
        instances = try container.decode([InventoryEntry].self, forKey: .instances)
    }
}

/// One element of `instances`, before semantic checks (address syntax, unique ids).
struct InventoryEntry: Decodable {
    var id: String
    var name: String?
    var address: String
    var region: String
    var zone: String?
    var state: String?
    var tags: [String: TagValue]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, name, address, region, zone, state, tags
    }

    init(from decoder: any Decoder) throws {
        try UnknownKeyError.check(decoder, allowed: CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decodeRequiredText(.id)
        name = try container.decodeOptionalText(.name)
        address = try container.decodeRequiredText(.address)
        region = try container.decodeRequiredText(.region)
        zone = try container.decodeOptionalText(.zone)
        state = try container.decodeOptionalText(.state)
        if container.contains(.tags), try !container.decodeNil(forKey: .tags) {
            tags = try container.decode([String: TagValue].self, forKey: .tags)
        } else {
            tags = [:]
        }
    }
}

/// A tag value. Users write ports unquoted (`HAProxy:Service:Port: 8080`), so numbers and booleans are taken
/// as the text they stand for; tags are strings everywhere else (Azure, the grouper).
struct TagValue: Decodable {
    var text: String

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let string = try? container.decode(String.self) {
            text = string
        } else if let integer = try? container.decode(Int.self) {
            text = String(integer)
        } else if let number = try? container.decode(Double.self) {
            text = String(number)
        } else if let flag = try? container.decode(Bool.self) {
            text = String(flag)
        } else {
            throw DecodingError.typeMismatch(
                String.self,
                .init(codingPath: decoder.codingPath, debugDescription: "expected a tag value")
            )
        }
    }
}

extension KeyedDecodingContainer {
    /// Text fields: absent, `null` and blank all mean "not given" — in YAML `id:` and `id: ~` decode as text
    /// otherwise, which would turn a forgotten value into the literal id "~".
    fileprivate func decodeOptionalText(_ key: Key) throws -> String? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        let text = try decode(String.self, forKey: key)
        return text.trimmingCharacters(in: .whitespaces).isEmpty ? nil : text
    }

    fileprivate func decodeRequiredText(_ key: Key) throws -> String {
        guard let text = try decodeOptionalText(key) else {
            throw MissingValueError(codingPath: codingPath + [key])
        }
        return text
    }
}

/// Thrown while decoding when a mapping holds a key the schema does not know.
struct UnknownKeyError: Error {
    var codingPath: [any CodingKey]
    var key: String
    var allowed: [String]

    static func check<Keys: CodingKey & CaseIterable>(_ decoder: any Decoder, allowed: Keys.Type) throws {
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        for key in container.allKeys where Keys(stringValue: key.stringValue) == nil {
            throw UnknownKeyError(
                codingPath: decoder.codingPath + [key],
                key: key.stringValue,
                allowed: Keys.allCases.map(\.stringValue)
            )
        }
    }
}

/// Thrown while decoding when a required field is absent, `null` or blank.
struct MissingValueError: Error {
    var codingPath: [any CodingKey]
}

/// Any key, to list what a mapping really contains.
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
    }
}
