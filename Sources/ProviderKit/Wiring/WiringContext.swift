import Logging

/// What every provider kind and sink kind gets besides its own configuration section when it builds its
/// parts: the loggers, the tag names of the `tags:` section, and a place to register cleanup (an HTTP client
/// to shut down) that runs when the daemon stops.
public struct WiringContext: Sendable {
    public var logger: Logger
    public var shutdown: ShutdownActions
    /// The tags that name a service, its port and an instance's port (`tags:`), for providers that read tags.
    public var tagNames: TagNames
    /// Makes the logger of one component from its name; `nil` gives every component ``logger``.
    public var makeLogger: (@Sendable (_ component: String) -> Logger)?

    public init(
        logger: Logger,
        shutdown: ShutdownActions = ShutdownActions(),
        tagNames: TagNames = TagNames(),
        makeLogger: (@Sendable (_ component: String) -> Logger)? = nil
    ) {
        self.logger = logger
        self.shutdown = shutdown
        self.tagNames = tagNames
        self.makeLogger = makeLogger
    }

    /// The logger a component logs through. `component` is a short stable name (`azure`, `static`,
    /// `haproxy-dataplane`, `daemon`); the daemon turns it into the logger's label (the `logger` field of
    /// its JSON lines), so a component's log lines can be filtered by it.
    public func logger(for component: String) -> Logger {
        makeLogger?(component) ?? logger
    }
}
