import Logging

/// Sets up swift-log for the daemon from the `logging:` section. Everything goes to stderr, so that
/// stdout carries only command output (`plan`, `--validate`).
public enum LoggingBootstrap {
    /// Makes the handler for one logger; separate from ``bootstrap(_:)`` so that tests can use it
    /// without touching the process-wide logging system.
    public static func makeHandler(label: String, section: LoggingSection) -> any LogHandler {
        var handler: any LogHandler
        switch section.format {
        case .text:
            handler = TextLogHandler(label: label)
        case .json:
            handler = JSONLogHandler(label: label)
        }
        handler.logLevel = section.level
        return handler
    }

    /// Installs the handlers process-wide. swift-log allows this once per process.
    public static func bootstrap(_ section: LoggingSection) {
        LoggingSystem.bootstrap { label in makeHandler(label: label, section: section) }
    }
}
