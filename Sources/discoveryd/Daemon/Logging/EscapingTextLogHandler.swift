import Logging
import ProviderKit

/// The text-format handler: swift-log's `StreamLogHandler` on stderr, with every control character in the
/// message, the metadata and the error escaped first.
///
/// Instance names, tag values and API error bodies reach log lines; a newline in one of them would
/// otherwise start a forged line of its own (seen: a `critical` line made up inside an instance name).
/// The JSON handler needs no such step: JSON strings escape control characters by definition.
struct EscapingTextLogHandler: LogHandler {
    private var output: StreamLogHandler
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    init(label: String, output: StreamLogHandler? = nil) {
        var output = output ?? StreamLogHandler.standardError(label: label)
        // The metadata is kept (and escaped) here; the stream handler only prints what it is given.
        output.metadataProvider = nil
        self.output = output
    }

    var logLevel: Logger.Level {
        get { output.logLevel }
        set { output.logLevel = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, provided in provided } }
        if let explicit = event.metadata { merged.merge(explicit) { _, explicit in explicit } }
        if let error = event.error {
            merged["error"] = .string("\(error)")
        }
        var escaped = event
        escaped.message = Logger.Message(stringLiteral: UntrustedText.escaped(event.message.description))
        escaped.metadata = merged.isEmpty ? nil : merged.mapValues(Self.escape)
        escaped.error = nil
        output.log(event: escaped)
    }

    private static func escape(_ value: Logger.Metadata.Value) -> Logger.Metadata.Value {
        switch value {
        case .string(let text): .string(UntrustedText.escaped(text))
        case .stringConvertible(let convertible): .string(UntrustedText.escaped(convertible.description))
        case .array(let values): .array(values.map(escape))
        case .dictionary(let values): .dictionary(values.mapValues(escape))
        @unknown default: .string(UntrustedText.escaped("\(value)"))
        }
    }
}
