import Foundation
import Logging
import ProviderKit

/// A ``Provider`` that reads instances from a YAML or JSON file (see ``StaticInventoryFile`` for the format) and
/// watches it for changes.
///
/// Every ``fetchInstances()`` reads the file afresh, so the answer is always the file as it is now; an invalid or
/// missing file throws a ``StaticFileError`` and the discovery loop keeps the last good instances.
///
/// ``watchForChanges(_:)`` polls, because there is no portable file-event API on Linux: each poll compares the
/// file's real path (symlink swaps), device and inode (rename-over writes), size and modification time, and only
/// when one of them moved reads the file and compares the bytes with what was last seen. The callback fires only
/// for a real content change, including the file disappearing or turning invalid (the loop's fetch then throws and
/// logs why).
public struct StaticFileProvider: Provider {
    public let name: String
    /// The file, absolute or relative to the current directory, as configured.
    public let path: String
    public let pollInterval: Duration
    private let logger: Logger
    private let lastSeen = LastSeenContent()
    private let sleep: @Sendable (Duration) async throws -> Void

    public init(path: String, pollInterval: Duration = .milliseconds(500), logger: Logger) {
        self.init(path: path, pollInterval: pollInterval, logger: logger) { interval in
            try await Task.sleep(for: interval)
        }
    }

    /// - Parameter sleep: Waits between polls; injectable so tests can drive polls without real time.
    init(
        path: String,
        pollInterval: Duration,
        logger: Logger,
        sleep: @escaping @Sendable (Duration) async throws -> Void
    ) {
        self.name = "static:\(path)"
        self.path = path
        self.pollInterval = pollInterval
        var logger = logger
        logger[metadataKey: "provider"] = .string("static:\(path)")
        self.logger = logger
        self.sleep = sleep
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
        logger.debug("Watching file for changes", metadata: ["pollInterval": "\(pollInterval)"])
        defer { logger.debug("Stopped watching file") }
        // Poll once before the first wait: the file may have changed since the loop's first fetch.
        while !Task.isCancelled {
            switch poller.poll() {
            case .unchanged:
                break
            case .touched:
                logger.debug("File touched but its content is unchanged")
            case .changed:
                logger.info("File content changed; refreshing")
                changed()
            }
            do {
                try await sleep(pollInterval)
            } catch is CancellationError {
                return
            }
        }
    }
}
