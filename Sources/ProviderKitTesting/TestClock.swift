import Synchronization

/// A clock that only moves when a test says so, so loops with timers can be tested without sleeping.
///
/// Sleepers whose deadline is reached by ``advance(by:)`` resume in deadline order (ties in the order they
/// went to sleep). A sleeper that is cancelled throws `CancellationError` and is forgotten. Tests usually
/// wait for the code under test to go to sleep (``waitForSleepers(count:)`` or
/// ``waitForSleepCalls(atLeast:)``) before advancing, because advancing first would move "now" before
/// the sleeper computed its deadline.
public final class TestClock: Clock, Sendable {
    public struct Instant: InstantProtocol, CustomStringConvertible {
        public typealias Duration = Swift.Duration

        /// Time since the clock was created.
        public var offset: Duration

        public init(offset: Duration = .zero) {
            self.offset = offset
        }

        public func advanced(by duration: Duration) -> Self { Self(offset: offset + duration) }
        public func duration(to other: Self) -> Duration { other.offset - offset }
        public static func < (lhs: Self, rhs: Self) -> Bool { lhs.offset < rhs.offset }
        public var description: String { "TestClock.Instant(\(offset))" }
    }

    private struct Sleeper {
        var id: UInt64
        var deadline: Instant
        var continuation: CheckedContinuation<Void, any Error>
    }

    private enum Condition {
        case pendingSleepers(Int)
        case sleepCalls(Int)
    }

    private struct Waiter {
        var id: UInt64
        var condition: Condition
        var continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var now = Instant()
        var sleepers: [Sleeper] = []
        var sleepCalls = 0
        var waiters: [Waiter] = []
        var nextID: UInt64 = 0

        mutating func makeID() -> UInt64 {
            nextID += 1
            return nextID
        }

        func holds(_ condition: Condition) -> Bool {
            switch condition {
            case .pendingSleepers(let count): sleepers.count >= count
            case .sleepCalls(let count): sleepCalls >= count
            }
        }

        /// Removes and returns the waiters whose condition now holds.
        mutating func satisfiedWaiters() -> [CheckedContinuation<Void, Never>] {
            let (satisfied, waiting) = (
                waiters.filter { holds($0.condition) }, waiters.filter { !holds($0.condition) }
            )
            waiters = waiting
            return satisfied.map(\.continuation)
        }
    }

    private let state = Mutex(State())

    public init() {}

    public var now: Instant { state.withLock { $0.now } }
    public var minimumResolution: Duration { .zero }

    /// How many sleepers are waiting right now.
    public var pendingSleeperCount: Int { state.withLock { $0.sleepers.count } }

    /// How many times `sleep(until:tolerance:)` has been called, including sleeps that returned at once.
    public var sleepCallCount: Int { state.withLock { $0.sleepCalls } }

    /// The deadlines of the pending sleepers, earliest first.
    public var pendingDeadlines: [Instant] { state.withLock { $0.sleepers.map(\.deadline).sorted() } }

    public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        let id = state.withLock { $0.makeID() }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                enum Registration { case cancelled, due, asleep }
                let (registration, satisfied) = state.withLock { state in
                    state.sleepCalls += 1
                    let registration: Registration
                    // Checked under the lock: a cancellation that raced ahead of us found nothing to cancel.
                    if Task.isCancelled {
                        registration = .cancelled
                    } else if deadline <= state.now {
                        registration = .due
                    } else {
                        state.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                        registration = .asleep
                    }
                    return (registration, state.satisfiedWaiters())
                }
                switch registration {
                case .cancelled: continuation.resume(throwing: CancellationError())
                case .due: continuation.resume()
                case .asleep: break
                }
                for waiter in satisfied { waiter.resume() }
            }
        } onCancel: {
            let sleeper = state.withLock { state -> Sleeper? in
                guard let index = state.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return state.sleepers.remove(at: index)
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves time forward and wakes every sleeper whose deadline has come, earliest first.
    public func advance(by duration: Duration) {
        precondition(duration >= .zero, "time only moves forward")
        let due = state.withLock { state in
            state.now = state.now.advanced(by: duration)
            let now = state.now
            let due = state.sleepers.filter { $0.deadline <= now }
            state.sleepers.removeAll { $0.deadline <= now }
            // `filter` keeps registration order, and a stable sort keeps it among equal deadlines.
            return due.enumerated().sorted { ($0.element.deadline, $0.offset) < ($1.element.deadline, $1.offset) }
                .map(\.element)
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// Moves time forward to the earliest pending deadline, if any, and wakes its sleepers.
    /// - Returns: Whether there was a sleeper to wake.
    @discardableResult
    public func advanceToNextDeadline() -> Bool {
        guard let next = pendingDeadlines.first else { return false }
        advance(by: max(now.duration(to: next), .zero))
        return true
    }

    /// Returns once at least `count` sleepers are waiting (or the task is cancelled).
    public func waitForSleepers(count: Int = 1) async {
        await wait(for: .pendingSleepers(count))
    }

    /// Returns once `sleep(until:tolerance:)` has been called at least `count` times over the clock's life
    /// (or the task is cancelled). Counting calls rather than pending sleepers tells "the loop went to
    /// sleep again" apart from "the old sleeper has not been cancelled yet".
    public func waitForSleepCalls(atLeast count: Int) async {
        await wait(for: .sleepCalls(count))
    }

    private func wait(for condition: Condition) async {
        let id = state.withLock { $0.makeID() }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state in
                    if state.holds(condition) || Task.isCancelled { return true }
                    state.waiters.append(Waiter(id: id, condition: condition, continuation: continuation))
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> Waiter? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index)
            }
            waiter?.continuation.resume()
        }
    }
}
