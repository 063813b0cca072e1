import Foundation
import Logging
import ProviderKit

/// The text format (`logging.format: text`): one line per event on stderr, for a person reading a terminal or
/// `journalctl`:
///
/// ```
/// 2026-12-01T17:29:34.512Z warning daemon: Cycle failed: a provider failed; its last good instances stay applied consecutive_failures=3 error="static file /etc/fleet.yaml: no such file; create it or fix the path"
/// ```
///
/// - A UTC timestamp with milliseconds, the level, the logger's short name (``LoggerName/textName(forLabel:)``)
///   and a colon; then the message; then the metadata as `key=value`, sorted by key, with keys in snake_case
///   as in the JSON format, and the error of an error log last, as `error=`.
/// - A value with a space, a quote, a backslash, an `=` or a control character is quoted, with `"`, `\` and
///   control characters escaped inside (`"web-1\nFORGED"`); an empty value is `""`. Arrays are written
///   comma-separated.
/// - A duration is written in whole milliseconds with `_ms` added to its key (`duration_ms=12`).
/// - Control characters in the message are escaped as well: instance names, tag values and API error bodies
///   reach log lines, and a newline in one of them would otherwise start a forged line of its own (seen: a
///   `critical` line made up inside an instance name). So every event is exactly one line.
public struct TextLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    private let name: String
    private let write: @Sendable (String) -> Void

    /// - Parameters:
    ///   - label: The logger's label; the line shows its short name.
    ///   - write: Where each finished line (with its newline) goes; stderr unless a test captures it.
    public init(label: String, write: (@Sendable (String) -> Void)? = nil) {
        self.name = LoggerName.textName(forLabel: label)
        self.write = write ?? { FileHandle.standardError.write(Data($0.utf8)) }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, provided in provided } }
        if let explicit = event.metadata { merged.merge(explicit) { _, explicit in explicit } }
        let error = event.error.map { "\($0)" } ?? merged.removeValue(forKey: "error").map(Self.text)
        merged["error"] = nil
        write(Self.line(date: Date(), level: event.level, logger: name, message: event.message.description, metadata: merged, error: error))
    }

    /// One finished line, newline included.
    static func line(
        date: Date,
        level: Logger.Level,
        logger: String,
        message: String,
        metadata: Logger.Metadata,
        error: String?
    ) -> String {
        var line = "\(timestamp(date)) \(level.rawValue) \(logger): \(UntrustedText.escaped(message))"
        var fields = metadata.map { key, value in field(key: key, value: value) }.sorted { $0.key < $1.key }
        if let error { fields.append((key: "error", value: error)) }
        for (key, value) in fields {
            line += " \(key)=\(quoted(value))"
        }
        return line + "\n"
    }

    /// The key as shown (snake_case, `_ms` for a duration) and the value's text, not yet quoted.
    private static func field(key: String, value: Logger.Metadata.Value) -> (key: String, value: String) {
        var key = JSONLogHandler.snakeCase(key)
        if case .stringConvertible(let convertible) = value, let duration = convertible as? Duration {
            if !key.hasSuffix("_ms") { key += "_ms" }
            return (key, String(milliseconds(duration)))
        }
        return (key, text(value))
    }

    private static func text(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let string): string
        case .stringConvertible(let convertible): convertible.description
        case .array(let values): values.map(text).joined(separator: ",")
        case .dictionary(let values):
            values.sorted { $0.key < $1.key }.map { "\($0.key)=\(text($0.value))" }.joined(separator: ",")
        }
    }

    /// Whole milliseconds, rounded.
    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + Int64((Double(attoseconds) / 1e15).rounded())
    }

    /// `value` as is when it cannot be misread, else in double quotes with `"`, `\` and control characters
    /// escaped.
    static func quoted(_ value: String) -> String {
        let plain = !value.isEmpty && !value.unicodeScalars.contains { scalar in
            scalar == " " || scalar == "\"" || scalar == "\\" || scalar == "=" || UntrustedText.needsEscaping(scalar)
        }
        if plain { return value }
        var result = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            default:
                if UntrustedText.needsEscaping(scalar) {
                    result += UntrustedText.escaped(String(scalar))
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }

    /// `2026-12-01T17:29:34.512Z`: UTC, milliseconds.
    static func timestamp(_ date: Date) -> String {
        let (dateTime, milliseconds) = UTCTimestamp.components(date, fractionDigits: 3, rounding: .down)
        return "\(dateTime).\(UTCTimestamp.padded(milliseconds, 3))Z"
    }
}
