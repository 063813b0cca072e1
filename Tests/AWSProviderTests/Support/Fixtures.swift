import Foundation
import Synchronization

@testable import AWSProvider

/// The example responses in `Fixtures/aws/query/`.
enum QueryFixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/aws/query")

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(name)))
    }
}

/// A value behind a lock that escaping `@Sendable` closures (fake servers, scripted transports) can share.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<Result: Sendable>(_ body: (inout Value) -> Result) -> Result { mutex.withLock { body(&$0) } }
}

/// Records the delays retries asked for instead of sleeping.
final class RecordingSleeper: Sendable {
    private let recorded = Mutex<[Duration]>([])
    var delays: [Duration] { recorded.withLock { $0 } }
    var sleep: @Sendable (Duration) async throws -> Void {
        { [self] delay in self.recorded.withLock { $0.append(delay) } }
    }
}

extension AWSRetryPolicy {
    /// Deterministic: the jitter factor is fixed and sleeps are recorded.
    static func recorded(_ sleeper: RecordingSleeper, jitter: Double = 0.5, attempts: Int = 5) -> AWSRetryPolicy {
        AWSRetryPolicy(maximumAttempts: attempts, sleep: sleeper.sleep, jitter: { jitter })
    }
}
