import Logging

/// What every provider kind and sink kind gets besides its own configuration section when it builds its
/// parts: the logger, the tag names of the `tags:` section, and a place to register cleanup (an HTTP client
/// to shut down) that runs when the daemon stops.
public struct WiringContext: Sendable {
    public var logger: Logger
    public var shutdown: ShutdownActions
    /// The tags that name a service, its port and an instance's port (`tags:`), for providers that read tags.
    public var tagNames: TagNames

    public init(logger: Logger, shutdown: ShutdownActions = ShutdownActions(), tagNames: TagNames = TagNames()) {
        self.logger = logger
        self.shutdown = shutdown
        self.tagNames = tagNames
    }
}
