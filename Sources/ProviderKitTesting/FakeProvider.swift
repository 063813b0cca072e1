import ProviderKit

/// A scriptable ``Provider`` for tests.
///
/// Each fetch takes the next scripted result if there is one, else fails with the standing failure if
/// one is set, else returns the current instances. Fetches are counted, can be held until released (to
/// test what happens while a cycle is in flight), and honour cancellation. ``triggerChange()`` calls the
/// callbacks registered through ``watchForChanges(_:)``.
///
/// ```swift
/// let provider = FakeProvider(name: "azure:prod", instances: [web1, web2])
/// await provider.enqueueFailure()          // the next fetch throws
/// await provider.setInstances([web1])      // later fetches see web2 gone
/// ```
public actor FakeProvider: Provider {
    public nonisolated let name: String

    public private(set) var instances: [Instance]
    private var scripted: [Result<[Instance], any Error>] = []
    private var standingFailure: (any Error)?
    private let fetchGate = AsyncGate(isOpen: true)

    /// Calls of ``fetchInstances()`` so far, counted when the call starts.
    public private(set) var fetchCount = 0
    private var fetchWaiters = CountWaiters()

    private var changeCallbacks: [UInt64: @Sendable () -> Void] = [:]
    private var nextCallbackID: UInt64 = 0
    private var watcherWaiters = CountWaiters()

    public init(name: String = "fake", instances: [Instance] = []) {
        self.name = name
        self.instances = instances
    }

    // MARK: Scripting

    /// What fetches return once the script is used up (and no standing failure is set).
    public func setInstances(_ instances: [Instance]) {
        self.instances = instances
    }

    /// Queues results for the next fetches, in order, ahead of the current instances.
    public func enqueue(_ results: Result<[Instance], any Error>...) {
        scripted.append(contentsOf: results)
    }

    /// Makes the next `count` fetches throw `error`.
    public func enqueueFailure(_ error: any Error = FakeProviderError(), count: Int = 1) {
        scripted.append(contentsOf: repeatElement(.failure(error), count: count))
    }

    /// Makes every fetch throw `error` (after the script) until set back to `nil`.
    public func setFailure(_ error: (any Error)?) {
        standingFailure = error
    }

    /// Holds every fetch that starts from now on until ``releaseFetches()``.
    public func holdFetches() {
        fetchGate.close()
    }

    /// Lets held and future fetches through.
    public func releaseFetches() {
        fetchGate.open()
    }

    /// Returns once ``fetchInstances()`` has been called at least `count` times.
    public func waitForFetches(atLeast count: Int) async {
        await withCheckedContinuation { fetchWaiters.add(threshold: count, current: fetchCount, continuation: $0) }
    }

    // MARK: Change notifications

    /// How many ``watchForChanges(_:)`` calls are currently active.
    public var watcherCount: Int { changeCallbacks.count }

    /// Returns once at least `count` watchers are active.
    public func waitForWatchers(atLeast count: Int = 1) async {
        await withCheckedContinuation {
            watcherWaiters.add(threshold: count, current: changeCallbacks.count, continuation: $0)
        }
    }

    /// Tells every active watcher that the instances changed.
    /// - Returns: How many watchers were told.
    @discardableResult
    public func triggerChange() -> Int {
        for callback in changeCallbacks.values { callback() }
        return changeCallbacks.count
    }

    // MARK: Provider

    public func fetchInstances() async throws -> [Instance] {
        fetchCount += 1
        fetchWaiters.update(fetchCount)
        try Task.checkCancellation()
        let result: Result<[Instance], any Error>
        if !scripted.isEmpty {
            result = scripted.removeFirst()
        } else if let standingFailure {
            result = .failure(standingFailure)
        } else {
            result = .success(instances)
        }
        // The result is chosen when the call starts, as a real request would be sent then.
        try await fetchGate.pass()
        return try result.get()
    }

    public func watchForChanges(_ changed: @escaping @Sendable () -> Void) async throws {
        nextCallbackID += 1
        let id = nextCallbackID
        changeCallbacks[id] = changed
        watcherWaiters.update(changeCallbacks.count)
        defer { changeCallbacks[id] = nil }
        await AsyncGate.untilCancelled()
    }
}

/// The error a ``FakeProvider`` throws when a failure is scripted without a specific error.
public struct FakeProviderError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String = "scripted provider failure") {
        self.message = message
    }

    public var description: String { message }
}
