import Foundation
import Synchronization

/// A sink's clock for drain tests: it moves only when the test says, so when a drain ends is decided by the
/// test and not by how fast a loaded machine runs.
final class ManualTime: Sendable {
    private let current = Mutex(Date(timeIntervalSince1970: 1_800_000_000))  // 2027-01-15T08:00:00Z

    var now: Date { current.withLock { $0 } }

    func advance(by seconds: Double) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}
