import Logging

/// What every factory gets besides the configuration: the loggers, and a place to register cleanup
/// (an HTTP client to shut down) that runs when the daemon stops.
public struct WiringContext: Sendable {
    public var logger: Logger
    public var shutdown: ShutdownActions
    /// Makes the logger of one component (``LoggerName``); `nil` gives every component ``logger``.
    public var makeLogger: (@Sendable (String) -> Logger)?

    public init(
        logger: Logger,
        shutdown: ShutdownActions = ShutdownActions(),
        makeLogger: (@Sendable (String) -> Logger)? = nil
    ) {
        self.logger = logger
        self.shutdown = shutdown
        self.makeLogger = makeLogger
    }

    /// The logger a component logs through: labelled with its ``LoggerName`` when the context makes loggers.
    public func logger(_ name: LoggerName) -> Logger {
        makeLogger?(name.rawValue) ?? logger
    }
}
