import Synchronization

/// Cleanup registered while wiring (close HTTP clients, sockets), run once when the daemon stops,
/// in reverse order of registration, like `defer`.
public final class ShutdownActions: Sendable {
    private let actions = Mutex<[@Sendable () async -> Void]>([])

    public init() {}

    public func add(_ action: @escaping @Sendable () async -> Void) {
        actions.withLock { $0.append(action) }
    }

    /// Runs and forgets every registered action.
    public func run() async {
        let pending = actions.withLock { actions in
            defer { actions.removeAll() }
            return actions
        }
        for action in pending.reversed() {
            await action()
        }
    }
}
