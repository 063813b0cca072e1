import Logging

/// What every factory gets besides the configuration: the logger, and a place to register cleanup
/// (an HTTP client to shut down) that runs when the daemon stops.
public struct WiringContext: Sendable {
    public var logger: Logger
    public var shutdown: ShutdownActions

    public init(logger: Logger, shutdown: ShutdownActions = ShutdownActions()) {
        self.logger = logger
        self.shutdown = shutdown
    }
}
