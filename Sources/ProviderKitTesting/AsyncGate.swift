import Synchronization

/// A gate tasks wait at while it is closed; opening it lets every waiter through. Cancelling a waiter
/// lets it through with `CancellationError`, so fakes built on it honour cancellation as providers must.
final class AsyncGate: Sendable {
    private struct State {
        var isOpen: Bool
        var waiters: [UInt64: CheckedContinuation<Void, any Error>] = [:]
        var nextID: UInt64 = 0
    }

    private let state: Mutex<State>

    init(isOpen: Bool) {
        state = Mutex(State(isOpen: isOpen))
    }

    var isOpen: Bool { state.withLock { $0.isOpen } }

    func open() {
        let waiters = state.withLock { state in
            state.isOpen = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    func close() {
        state.withLock { $0.isOpen = false }
    }

    func pass() async throws {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                enum Decision { case wait, pass, cancelled }
                let decision = state.withLock { state -> Decision in
                    if state.isOpen { return .pass }
                    if Task.isCancelled { return .cancelled }
                    state.waiters[id] = continuation
                    return .wait
                }
                switch decision {
                case .pass: continuation.resume()
                case .cancelled: continuation.resume(throwing: CancellationError())
                case .wait: break
                }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume(throwing: CancellationError())
        }
    }

    /// Suspends until the task is cancelled.
    static func untilCancelled() async {
        try? await AsyncGate(isOpen: false).pass()
    }
}

/// Continuations waiting for a count to reach a threshold, for "wait until N calls happened" helpers.
struct CountWaiters {
    private var waiters: [(threshold: Int, continuation: CheckedContinuation<Void, Never>)] = []

    /// Returns at once if `current` already reaches `threshold`.
    mutating func add(threshold: Int, current: Int, continuation: CheckedContinuation<Void, Never>) {
        if current >= threshold {
            continuation.resume()
        } else {
            waiters.append((threshold, continuation))
        }
    }

    mutating func update(_ current: Int) {
        waiters.removeAll { waiter in
            guard current >= waiter.threshold else { return false }
            waiter.continuation.resume()
            return true
        }
    }
}
