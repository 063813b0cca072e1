import Foundation
import Logging

/// Writes one JSON object per line to stderr, in the shape the Python daemon (haproxy-cloud-discovery) logs,
/// so that pipelines, dashboards and alerts built on its logs keep working:
///
/// ```json
/// {"timestamp":"2026-12-01T14:18:20.123456+00:00","level":"INFO","logger":"haproxy_cloud_discovery.daemon",
///  "message":"Cycle complete","elapsed_seconds":0.42}
/// ```
///
/// - `timestamp`: ISO 8601 in UTC with microseconds and a `+00:00` offset (Python's `isoformat()`).
/// - `level`: `DEBUG`, `INFO`, `WARNING`, `ERROR` or `CRITICAL` (swift-log's `trace` logs as `DEBUG`,
///   `notice` as `INFO`).
/// - `logger`: the logger's label.
/// - `message`.
/// - Every metadata entry as a top-level field with a snake_case name (`transaction-id` becomes
///   `transaction_id`); integers, decimals and booleans stay JSON numbers and booleans, durations become
///   seconds. A metadata key that would overwrite one of the fields above is written with an `extra_` prefix.
///   A `duration` (a cycle's) is written as the Python daemon's `elapsed_seconds`, rounded to two decimals.
/// - `exception`: the error of an error log (swift-log's `error:` or an `error` metadata entry).
///
/// Keys are sorted so that lines are stable and diffable.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    private let label: String
    private let write: @Sendable (Data) -> Void

    /// The fields every line has; metadata never overwrites them.
    static let reservedFields: Set<String> = ["timestamp", "level", "logger", "message", "exception"]

    /// - Parameter write: Where each finished line goes; stderr unless a test captures it.
    public init(
        label: String,
        metadataProvider: Logger.MetadataProvider? = nil,
        write: @escaping @Sendable (Data) -> Void = { FileHandle.standardError.write($0) }
    ) {
        self.label = label
        self.metadataProvider = metadataProvider
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() {
            merged.merge(provided) { _, new in new }
        }
        if let extra = event.metadata {
            merged.merge(extra) { _, new in new }
        }
        var object: [String: JSONLogLine] = [
            "timestamp": .string(Self.timestamp(Date())),
            "level": .string(Self.levelName(event.level)),
            "logger": .string(label),
            "message": .string(event.message.description),
        ]
        if let error = merged.removeValue(forKey: "error") {
            object["exception"] = Self.jsonValue(error)
        }
        for (key, value) in merged {
            if key == "duration", case .stringConvertible(let convertible) = value, let duration = convertible as? Duration {
                object["elapsed_seconds"] = .double(Self.pythonElapsedSeconds(duration))
                continue
            }
            var field = Self.snakeCase(key)
            if Self.reservedFields.contains(field) { field = "extra_" + field }
            object[field] = Self.jsonValue(value)
        }
        if let error = event.error {
            object["exception"] = .string(String(describing: error))
        }
        guard var line = Self.encoded(.object(object)) else { return }
        line.append(0x0A)
        write(line)
    }

    /// The line's JSON: by hand where that gives `JSONSerialization`'s exact bytes, else `JSONSerialization`.
    static func encoded(_ value: JSONLogLine) -> Data? {
        if let bytes = value.encoded() { return Data(bytes) }
        return try? JSONSerialization.data(
            withJSONObject: value.foundationObject,
            options: [.sortedKeys, .withoutEscapingSlashes]
        )
    }

    /// A cycle's `duration` as the Python daemon logs it: `elapsed_seconds`, rounded to two decimals.
    static func pythonElapsedSeconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return ((Double(seconds) + Double(attoseconds) / 1e18) * 100).rounded() / 100
    }

    /// Python's level names.
    static func levelName(_ level: Logger.Level) -> String {
        switch level {
        case .trace, .debug: "DEBUG"
        case .info, .notice: "INFO"
        case .warning: "WARNING"
        case .error: "ERROR"
        case .critical: "CRITICAL"
        }
    }

    /// `consecutive-failures` → `consecutive_failures`, `requestCount` → `request_count`.
    static func snakeCase(_ key: String) -> String {
        var result = ""
        result.reserveCapacity(key.utf8.count + 4)
        var previous: Character?
        for character in key {
            if character == "-" || character == "." || character == " " {
                result.append("_")
            } else if character.isUppercase, character.isASCII {
                if let previous, previous.isLowercase || previous.isNumber { result.append("_") }
                result.append(Character(character.lowercased()))
            } else {
                result.append(character)
            }
            previous = character
        }
        return result
    }

    private static func jsonValue(_ value: Logger.Metadata.Value) -> JSONLogLine {
        switch value {
        case .string(let string): .string(string)
        case .stringConvertible(let convertible): scalar(convertible)
        case .array(let values): .array(values.map(jsonValue))
        case .dictionary(let values):
            .object(Dictionary(uniqueKeysWithValues: values.map { (snakeCase($0.key), jsonValue($0.value)) }))
        }
    }

    /// Numbers and booleans stay what they are, so a pipeline can compare them; a duration is seconds.
    private static func scalar(_ value: any CustomStringConvertible & Sendable) -> JSONLogLine {
        switch value {
        case let bool as Bool: .bool(bool)
        case let int as Int: .int(int)
        case let double as Double: double.isFinite ? .double(double) : .string(value.description)
        case let duration as Duration:
            .double(Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
        default: .string(value.description)
        }
    }

    /// `2026-12-01T14:18:20.123456+00:00`: what Python's `datetime.isoformat()` writes for a UTC time (without
    /// the fraction when it is zero).
    public static func timestamp(_ date: Date) -> String {
        let (dateTime, microseconds) = UTCTimestamp.components(date, fractionDigits: 6, rounding: .toNearestOrAwayFromZero)
        // Like isoformat(), the fraction is left out when it is zero.
        let fraction = microseconds == 0 ? "" : ".\(UTCTimestamp.padded(microseconds, 6))"
        return "\(dateTime)\(fraction)+00:00"
    }
}
