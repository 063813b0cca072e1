import Foundation
import Logging
import ProviderKit

/// A ``Provider`` that reads instances from a YAML or JSON file (see ``StaticInventoryFile`` for the format) and
/// watches it for changes.
///
/// Every ``fetchInstances()`` reads the file afresh, so the answer is always the file as it is now; an invalid or
/// missing file throws a ``StaticFileError`` and the discovery loop keeps the last good instances.
///
/// ``watchForChanges(_:)`` checks the file whenever the kernel reports a change in its directory (inotify on
/// Linux, see ``DirectoryEventWatch``) and, as a safety net for what the kernel cannot see (network file
/// systems, a watch limit reached), every ``pollInterval``; where there are no kernel notifications it polls
/// alone. Each check compares the file's real path (symlink swaps), device and inode (rename-over writes), size
/// and modification time, and only when one of them moved reads the file and compares the bytes with what was
/// last seen. The callback fires only for a real content change, including the file disappearing or turning
/// invalid (the loop's fetch then throws and logs why).
public struct StaticFileProvider: Provider {
    public let name: String
    /// The file, absolute or relative to the current directory, as configured.
    public let path: String
    public let pollInterval: Duration
    private let logger: Logger
    private let lastSeen = LastSeenContent()
    private let sleep: @Sendable (Duration) async throws -> Void
    private let usesKernelNotifications: Bool

    /// - Parameter pollInterval: How often the file is checked when no kernel notification arrives.
    public init(path: String, pollInterval: Duration = .milliseconds(500), logger: Logger) {
        self.init(path: path, pollInterval: pollInterval, logger: logger, usesKernelNotifications: true) {
            interval in try await Task.sleep(for: interval)
        }
    }

    /// - Parameters:
    ///   - usesKernelNotifications: False to poll alone, as on systems without inotify.
    ///   - sleep: Waits between polls when polling alone; injectable so tests can drive polls without real time.
    init(
        path: String,
        pollInterval: Duration,
        logger: Logger,
        usesKernelNotifications: Bool = false,
        sleep: @escaping @Sendable (Duration) async throws -> Void
    ) {
        self.name = "static:\(path)"
        self.path = path
        self.pollInterval = pollInterval
        var logger = logger
        logger[metadataKey: "provider"] = .string("static:\(path)")
        self.logger = logger
        self.sleep = sleep
        self.usesKernelNotifications = usesKernelNotifications
    }

    public func fetchInstances() async throws -> [Instance] {
        try Task.checkCancellation()
        let data: Data
        do {
            data = try StaticInventoryFile.read(path: path)
        } catch {
            lastSeen.record(.unavailable)
            throw error
        }
        lastSeen.record(.bytes(data))
        return try StaticInventoryFile.parse(data, file: path, format: StaticInventoryFile.Format(path: path))
    }

    public func watchForChanges(_ changed: @escaping @Sendable () -> Void) async throws {
        var poller = FileChangePoller(path: path, lastSeen: lastSeen)
        lastSeen.recordIfUnknown(ObservedContent.read(atPath: path))
        defer { logger.debug("Stopped watching file") }
        let check = { (poller: inout FileChangePoller) in
            switch poller.poll() {
            case .unchanged:
                break
            case .touched:
                logger.debug("File touched but its content is unchanged")
            case .changed:
                logger.info("File content changed; refreshing")
                changed()
            }
        }
        #if canImport(Glibc)
        if usesKernelNotifications {
            if let events = DirectoryEventWatch(path: path, safetyInterval: pollInterval) {
                logger.debug("Watching file with inotify", metadata: ["poll-interval": .stringConvertible(pollInterval)])
                defer { events.stop() }
                // Check once before the first event: the file may have changed since the loop's first fetch.
                check(&poller)
                for await _ in events.wakeUps {
                    if Task.isCancelled { return }
                    events.rewatch()
                    check(&poller)
                }
                if Task.isCancelled { return }
                logger.notice("The inotify watch on this file's directory failed; polling instead")
            } else {
                logger.notice(
                    """
                    The kernel refused an inotify watch on this file's directory (it is missing, or the inotify \
                    limit is reached); polling instead
                    """,
                    metadata: ["poll-interval": .stringConvertible(pollInterval)]
                )
            }
        }
        #endif
        logger.debug("Watching file by polling", metadata: ["poll-interval": .stringConvertible(pollInterval)])
        // Poll once before the first wait: the file may have changed since the loop's first fetch.
        while !Task.isCancelled {
            check(&poller)
            do {
                try await sleep(pollInterval)
            } catch is CancellationError {
                return
            }
        }
    }
}
