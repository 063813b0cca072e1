import Foundation
import Synchronization

/// What a read of the watched file produced, compared byte for byte: inventory files are small, and an exact
/// comparison cannot mistake a change for "same content" the way a hash collision could.
enum ObservedContent: Hashable, Sendable {
    case bytes(Data)
    /// Missing, a directory or unreadable: a fetch would throw.
    case unavailable

    static func read(atPath path: String) -> ObservedContent {
        (try? StaticInventoryFile.read(path: path)).map(ObservedContent.bytes) ?? .unavailable
    }
}

/// The content the provider last saw, shared by ``StaticFileProvider/fetchInstances()`` and the watcher.
///
/// The watcher compares against what was last *served* (or already announced), not against its own start: a
/// change between the loop's fetch and the watcher's start is still announced, and a broken edit the loop
/// already fetched (and failed on) is not announced again.
final class LastSeenContent: Sendable {
    private let content = Mutex<ObservedContent?>(nil)

    func record(_ observed: ObservedContent) {
        content.withLock { $0 = observed }
    }

    /// Sets the baseline when nothing was seen yet (a watcher started before the first fetch).
    func recordIfUnknown(_ observed: ObservedContent) {
        content.withLock { current in
            if current == nil { current = observed }
        }
    }

    /// Records `observed` and tells whether it differs from what was seen before.
    func replace(with observed: ObservedContent) -> Bool {
        content.withLock { current in
            defer { current = observed }
            return current != observed
        }
    }
}
