import InMemoryLogging
import Logging
import ProviderKit
import ProviderKitTesting
import ServiceLifecycle
import ServiceLifecycleTestKit

/// A discovery loop on a manual clock, with a recording sink and captured logs.
struct LoopHarness: Sendable {
    static let policy = PollingPolicy(
        interval: .seconds(30),
        jitter: .seconds(5),
        backoffBase: .seconds(2),
        maxBackoff: .seconds(40),
        // Off, so the only sleeper on the clock is the wait between cycles; FetchTimeoutTests turn it on.
        fetchTimeout: nil
    )

    let clock = TestClock()
    let sink = RecordingSink()
    let logs: InMemoryLogHandler
    let loop: DiscoveryLoop<TestClock>

    init(
        providers: [any Provider],
        grouper: ServiceGrouper = ServiceGrouper(),
        policy: PollingPolicy = Self.policy,
        maxConcurrentFetches: Int = 8,
        drainGuard: DrainGuardPolicy = .standard
    ) throws {
        var handler = InMemoryLogHandler()
        handler.logLevel = .debug
        logs = handler
        loop = try DiscoveryLoop(
            providers: providers,
            sink: sink,
            grouper: grouper,
            policy: policy,
            clock: clock,
            // No jitter, so the interval is exactly 30 s.
            random: FixedRandomNumberGenerator.minimum,
            maxConcurrentFetches: maxConcurrentFetches,
            drainGuard: drainGuard,
            logger: Logger(label: "discovery-test") { _ in handler }
        )
    }

    /// Log entries at `level` whose message contains `text`.
    func entries(_ level: Logger.Level, containing text: String) -> [InMemoryLogHandler.Entry] {
        logs.entries.filter { $0.level == level && "\($0.message)".contains(text) }
    }

    /// The time from now to the loop's pending wait deadline.
    var nextDelay: Duration? {
        clock.pendingDeadlines.first.map { clock.now.duration(to: $0) }
    }
}

extension LoopHarness {
    /// Runs the loop while `body` drives it, then shuts it down gracefully and waits for `run()` to return.
    func running(_ body: @Sendable (GracefulShutdownTestTrigger) async throws -> Void) async throws {
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await loop.run() }
                try await body(trigger)
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
    }
}
