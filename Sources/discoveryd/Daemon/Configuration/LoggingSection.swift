import ProviderKit
import Logging

/// `logging:` — how much the daemon says, and in which shape. Logs go to stderr; stdout carries only
/// command output.
///
/// Keys (defaults in brackets, the Python daemon's): `level` [`INFO`]: `trace|debug|info|notice|warning|error|critical`
/// (any case; Python's `WARN` and `FATAL` are accepted too); `format` [`json`]: `text|json`.
public struct LoggingSection: Hashable, Sendable, Decodable {
    public var level: Logger.Level = .info
    public var format: Format = .json

    public init() {}

    public enum Format: String, ConfigurationWord {
        case text
        case json
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case level
        case format
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.strictContainer(keyedBy: CodingKeys.self)
        self.level = try container.decode(LevelWord.self, forKey: .level, default: LevelWord(level: .info)).level
        self.format = try container.decode(Format.self, forKey: .format, default: .json)
    }

    /// A log level as written in the file.
    private struct LevelWord: Decodable {
        var level: Logger.Level

        init(level: Logger.Level) { self.level = level }

        init(from decoder: any Decoder) throws {
            let text = try decoder.singleValueContainer().decode(String.self)
            let lowered = text.lowercased()
            let aliases: [String: Logger.Level] = ["warn": .warning, "fatal": .critical]
            guard let level = Logger.Level(rawValue: lowered) ?? aliases[lowered] else {
                throw ConfigurationError.invalidValue(
                    at: decoder.codingPath,
                    value: "\"\(text)\"",
                    expected: "one of: \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            self.level = level
        }
    }
}
