import ProviderKitTesting
import Testing

@Suite("TestClock")
struct TestClockTests {
    @Test("sleepers wake when their deadline is reached, earliest first")
    func wakesInDeadlineOrder() async throws {
        let clock = TestClock()
        let order = OrderRecorder()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for seconds in [3, 1, 2] {
                group.addTask {
                    try await clock.sleep(for: .seconds(seconds))
                    await order.append(seconds)
                }
                // Register one at a time so registration order differs from deadline order.
                await clock.waitForSleepers(count: [3, 1, 2].firstIndex(of: seconds)! + 1)
            }
            clock.advance(by: .milliseconds(1500))
            try await group.next()
            #expect(await order.values == [1])
            #expect(clock.pendingSleeperCount == 2)
            clock.advance(by: .seconds(2))
            try await group.waitForAll()
        }
        #expect(await order.values.sorted() == [1, 2, 3])
        #expect(clock.now == TestClock.Instant(offset: .milliseconds(3500)))
    }

    @Test("a deadline in the past returns at once")
    func pastDeadline() async throws {
        let clock = TestClock()
        clock.advance(by: .seconds(5))
        try await clock.sleep(until: TestClock.Instant(offset: .seconds(1)))
        #expect(clock.sleepCallCount == 1)
        #expect(clock.pendingSleeperCount == 0)
    }

    @Test("a cancelled sleeper throws CancellationError and is forgotten")
    func cancellation() async {
        let clock = TestClock()
        let sleeper = Task { try await clock.sleep(for: .seconds(10)) }
        await clock.waitForSleepers(count: 1)
        sleeper.cancel()
        let result = await sleeper.result
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(clock.pendingSleeperCount == 0)
        #expect(clock.now == TestClock.Instant())
    }

    @Test("advanceToNextDeadline jumps exactly to the earliest deadline")
    func advanceToNext() async throws {
        let clock = TestClock()
        #expect(!clock.advanceToNextDeadline())
        async let slept: Void = clock.sleep(for: .seconds(7))
        await clock.waitForSleepers(count: 1)
        #expect(clock.advanceToNextDeadline())
        try await slept
        #expect(clock.now == TestClock.Instant(offset: .seconds(7)))
    }
}

private actor OrderRecorder {
    var values: [Int] = []
    func append(_ value: Int) { values.append(value) }
}
