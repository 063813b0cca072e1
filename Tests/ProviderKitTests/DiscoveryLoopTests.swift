import InMemoryLogging
import Logging
import ProviderKit
import ProviderKitTesting
import ServiceLifecycleTestKit
import Testing

@Suite("Discovery loop")
struct DiscoveryLoopTests {
    let web1 = taggedInstance("web-1", address: "10.0.0.1")
    let web2 = taggedInstance("web-2", address: "10.0.0.2")
    let api1 = taggedInstance("api-1", service: "api", port: "8080", address: "10.0.1.1")

    // MARK: Full resync

    @Test("the first apply is a full resync, the following ones are not, and cycles are an interval apart")
    func firstApplyIsFullResync() async throws {
        let provider = FakeProvider(name: "p", instances: [web1])
        let harness = try LoopHarness(providers: [provider])
        try await harness.running { _ in
            await harness.clock.waitForSleepCalls(atLeast: 1)
            #expect(await harness.sink.applied.map(\.options.fullResync) == [true])
            #expect(await harness.sink.lastCatalog?.addressesByService == ["web:80@westeurope": ["10.0.0.1:80"]])
            #expect(harness.nextDelay == .seconds(30))

            harness.clock.advance(by: .seconds(29))
            // Give a loop that woke too early the chance to fetch before counting.
            await letOtherTasksRun()
            #expect(await provider.fetchCount == 1)
            harness.clock.advance(by: .seconds(1))
            await harness.clock.waitForSleepCalls(atLeast: 2)
            #expect(await harness.sink.applied.map(\.options.fullResync) == [true, false])
            #expect(await provider.fetchCount == 2)
        }
    }

    @Test("a cycle starts an interval after the start of the previous one: the time a cycle took is not added")
    func intervalCountsFromCycleStart() async throws {
        let provider = FakeProvider(name: "p", instances: [web1])
        let harness = try LoopHarness(providers: [provider])
        try await harness.running { _ in
            await harness.clock.waitForSleepCalls(atLeast: 1)
            await provider.holdFetches()
            harness.clock.advance(by: .seconds(30))
            await provider.waitForFetches(atLeast: 2)
            // The second cycle's fetch takes 12 s.
            harness.clock.advance(by: .seconds(12))
            await provider.releaseFetches()
            await harness.clock.waitForSleepCalls(atLeast: 2)
            #expect(harness.nextDelay == .seconds(18))
        }
    }

    @Test("a full resync request (SIGHUP) wakes the loop at once and asks the sink for a full resync")
    func fullResyncRequest() async throws {
        let provider = FakeProvider(name: "p", instances: [web1])
        let harness = try LoopHarness(providers: [provider])
        try await harness.running { _ in
            await harness.clock.waitForSleepCalls(atLeast: 1)
            harness.loop.requestFullResync()
            await harness.clock.waitForSleepCalls(atLeast: 2)
            #expect(harness.clock.now == TestClock.Instant(), "the resync must not wait for the interval")
            #expect(await harness.sink.applied.map(\.options.fullResync) == [true, true])

            harness.clock.advance(by: .seconds(30))
            await harness.clock.waitForSleepCalls(atLeast: 3)
            #expect(await harness.sink.applied.map(\.options.fullResync) == [true, true, false])
        }
    }

    @Test("a full resync stays requested until an apply succeeds")
    func fullResyncSurvivesSinkFailure() async throws {
        let provider = FakeProvider(name: "p", instances: [web1])
        let harness = try LoopHarness(providers: [provider])
        await harness.sink.enqueueFailure(count: 2)
        try await harness.running { _ in
            // The first apply (full resync) fails twice; the retries after backoff still ask for it.
            await harness.clock.waitForSleepCalls(atLeast: 1)
            #expect(harness.nextDelay == .seconds(2))
            harness.clock.advance(by: .seconds(2))
            await harness.clock.waitForSleepCalls(atLeast: 2)
            #expect(harness.nextDelay == .seconds(4))
            harness.clock.advance(by: .seconds(4))
            await harness.clock.waitForSleepCalls(atLeast: 3)
            #expect(harness.nextDelay == .seconds(30))

            // A SIGHUP whose apply fails is retried as a full resync too.
            await harness.sink.enqueueFailure()
            harness.loop.requestFullResync()
            await harness.clock.waitForSleepCalls(atLeast: 4)
            harness.clock.advance(by: .seconds(2))
            await harness.clock.waitForSleepCalls(atLeast: 5)
            harness.clock.advance(by: .seconds(30))
            await harness.clock.waitForSleepCalls(atLeast: 6)

            let attempts = await harness.sink.attempts.map(\.options.fullResync)
            #expect(attempts == [true, true, true, true, true, false])
            #expect(await harness.sink.applied.count == 3)
        }
    }

    @Test("a resync requested while a full-resync apply is in flight is not swallowed by that apply's success")
    func resyncDuringApply() async throws {
        let provider = FakeProvider(name: "p", instances: [web1])
        let harness = try LoopHarness(providers: [provider])
        await harness.sink.holdApplies()
        try await harness.running { _ in
            // The first apply (a full resync) is in flight when SIGHUP arrives: the request is newer than
            // the state that apply read, so it needs a full resync of its own.
            await harness.sink.waitForAttempts(atLeast: 1)
            harness.loop.requestFullResync()
            await harness.sink.releaseApplies()
            await harness.clock.waitForSleepCalls(atLeast: 2)
            #expect(await harness.sink.applied.map(\.options.fullResync) == [true, true])
            #expect(harness.clock.now == TestClock.Instant(), "the request gets its cycle at once")

            harness.clock.advance(by: .seconds(30))
            await harness.clock.waitForSleepCalls(atLeast: 3)
            #expect(await harness.sink.applied.map(\.options.fullResync) == [true, true, false])
        }
    }

    // MARK: Provider failures

    @Test("a failing provider keeps its last good snapshot: the sink gets the same catalog, nothing is retired")
    func lastGoodSnapshot() async throws {
        let healthy = FakeProvider(name: "healthy", instances: [web1])
        let flaky = FakeProvider(name: "flaky", instances: [web2, api1])
        let harness = try LoopHarness(providers: [healthy, flaky])
        try await harness.running { _ in
            await harness.clock.waitForSleepCalls(atLeast: 1)
            let firstCatalog = try #require(await harness.sink.lastCatalog)
            #expect(firstCatalog.endpointCount == 3)

            await flaky.enqueueFailure(FakeProviderError("ARM returned 503"))
            harness.clock.advance(by: .seconds(30))
            await harness.clock.waitForSleepCalls(atLeast: 2)

            let applied = await harness.sink.applied
            #expect(applied.count == 2)
            #expect(applied.last?.catalog == firstCatalog)
            #expect(harness.nextDelay == .seconds(2), "a cycle with a failed provider counts as failed")

            let warning = try #require(harness.entries(.warning, containing: "the last good instances").first)
            #expect(warning.message.description.hasPrefix("Cycle failed: provider flaky: ARM returned 503;"))
            #expect(warning.metadata["consecutive_failures"]?.description == "1")

            // Recovery returns to the normal interval.
            harness.clock.advance(by: .seconds(2))
            await harness.clock.waitForSleepCalls(atLeast: 3)
            #expect(harness.nextDelay == .seconds(30))
        }
    }

    /// With the mass-drain guard off; with it on (the default) the same answer applies once confirmed, see
    /// DrainGuardTests.
    @Test("an empty answer is real: the provider's services are retired")
    func emptyAnswerRetires() async throws {
        let provider = FakeProvider(name: "p", instances: [web1, api1])
        let harness = try LoopHarness(providers: [provider], drainGuard: .disabled)
        try await harness.running { _ in
            await harness.clock.waitForSleepCalls(atLeast: 1)
            await provider.setInstances([])
            harness.clock.advance(by: .seconds(30))
            await harness.clock.waitForSleepCalls(atLeast: 2)
            #expect(await harness.sink.lastCatalog == ServiceCatalog())
        }
    }

    @Test("nothing is applied until every provider has succeeded once")
    func startupGate() async throws {
        let ready = FakeProvider(name: "ready", instances: [web1])
        let late = FakeProvider(name: "late", instances: [web2])
        await late.setFailure(FakeProviderError("token endpoint unreachable"))
        let harness = try LoopHarness(providers: [ready, late])
        try await harness.running { _ in
            await harness.clock.waitForSleepCalls(atLeast: 1)
            #expect(await harness.sink.attempts.isEmpty)
            #expect(harness.nextDelay == .seconds(2))
            // One error line for the cycle, naming what it waits for.
            #expect(harness.logs.entries.filter { $0.level >= .warning }.count == 1)
            let waiting = try #require(harness.entries(.error, containing: "until every provider has answered once").first)
            #expect(waiting.metadata["waiting_for"] == ["late"])
            #expect(
                waiting.message.description
                    == "Cycle failed: provider late: token endpoint unreachable; nothing is applied until every "
                    + "provider has answered once"
            )

            #expect(!harness.loop.isReady)
            #expect(harness.loop.snapshotStore.missingProviders == ["late"])
            harness.clock.advance(by: .seconds(2))
            await harness.clock.waitForSleepCalls(atLeast: 2)
            #expect(await harness.sink.attempts.isEmpty)
            #expect(harness.loop.consecutiveFailedCycles == 2)
            #expect(harness.loop.snapshotStore.failureCounts == ["late": 2])

            await late.setFailure(nil)
            harness.clock.advance(by: .seconds(4))
            await harness.clock.waitForSleepCalls(atLeast: 3)
            let applied = await harness.sink.applied
            #expect(applied.count == 1)
            #expect(applied.first?.options.fullResync == true)
            #expect(applied.first?.catalog.endpointCount == 2)
            #expect(harness.loop.isReady)
            #expect(harness.loop.consecutiveFailedCycles == 0)
        }
    }

    @Test("consecutive failed cycles back off 2, 4, 8, 16, 32, 40 s and a success resets to the interval")
    func backoffInTheLoop() async throws {
        let provider = FakeProvider(name: "p", instances: [web1])
        await provider.setFailure(FakeProviderError())
        let harness = try LoopHarness(providers: [provider])
        try await harness.running { _ in
            var delays: [Duration] = []
            for cycle in 1...6 {
                await harness.clock.waitForSleepCalls(atLeast: cycle)
                let delay = try #require(harness.nextDelay)
                delays.append(delay)
                if cycle == 6 { await provider.setFailure(nil) }
                harness.clock.advance(by: delay)
            }
            #expect(delays == [.seconds(2), .seconds(4), .seconds(8), .seconds(16), .seconds(32), .seconds(40)])
            await harness.clock.waitForSleepCalls(atLeast: 7)
            #expect(harness.nextDelay == .seconds(30))
            #expect(await provider.fetchCount == 7)
        }
    }

    // MARK: Early wake-ups

    @Test("a provider's change notification triggers a cycle before the interval")
    func changeWakesTheLoop() async throws {
        let provider = FakeProvider(name: "p", instances: [web1])
        let harness = try LoopHarness(providers: [provider])
        try await harness.running { _ in
            await provider.waitForWatchers()
            await harness.clock.waitForSleepCalls(atLeast: 1)
            await provider.setInstances([web1, web2])
            #expect(await provider.triggerChange() == 1)
            await harness.clock.waitForSleepCalls(atLeast: 2)
            #expect(harness.clock.now == TestClock.Instant())
            #expect(
                await harness.sink.lastCatalog?.addressesByService == ["web:80@westeurope": ["10.0.0.1:80", "10.0.0.2:80"]]
            )
        }
        #expect(await provider.watcherCount == 0, "watches end with the loop")
    }

    @Test("change notifications during a cycle collapse into one extra cycle")
    func changesCoalesce() async throws {
        let provider = FakeProvider(name: "p", instances: [web1])
        let harness = try LoopHarness(providers: [provider])
        try await harness.running { _ in
            await provider.waitForWatchers()
            await harness.clock.waitForSleepCalls(atLeast: 1)
            await provider.holdFetches()
            await provider.triggerChange()
            await provider.waitForFetches(atLeast: 2)
            for _ in 0..<5 { await provider.triggerChange() }
            await provider.releaseFetches()
            await harness.clock.waitForSleepCalls(atLeast: 3)
            await letOtherTasksRun()
            #expect(await provider.fetchCount == 3)
            #expect(await harness.sink.attempts.count == 3)
            #expect(harness.nextDelay == .seconds(30))
        }
    }

    // MARK: Grouping warnings

    @Test("a grouping warning is logged once while it persists, and again if it comes back after a fix")
    func warningsOnce() async throws {
        let broken = taggedInstance("web-3", port: "abc", address: "10.0.0.3")
        let provider = FakeProvider(name: "p", instances: [web1, broken])
        let harness = try LoopHarness(providers: [provider])
        let warningsAboutWeb3: @Sendable () -> [InMemoryLogHandler.Entry] = { harness.entries(.warning, containing: "web-3") }
        try await harness.running { _ in
            await harness.clock.waitForSleepCalls(atLeast: 1)
            #expect(warningsAboutWeb3().count == 1)
            #expect(warningsAboutWeb3().first?.metadata["instance"] == "web-3")

            harness.clock.advance(by: .seconds(30))
            await harness.clock.waitForSleepCalls(atLeast: 2)
            #expect(warningsAboutWeb3().count == 1, "an unchanged warning is not repeated")

            await provider.setInstances([web1, taggedInstance("web-3", address: "10.0.0.3")])
            harness.clock.advance(by: .seconds(30))
            await harness.clock.waitForSleepCalls(atLeast: 3)
            #expect(warningsAboutWeb3().count == 1)

            await provider.setInstances([web1, broken])
            harness.clock.advance(by: .seconds(30))
            await harness.clock.waitForSleepCalls(atLeast: 4)
            #expect(warningsAboutWeb3().count == 2, "a warning that comes back is logged again")
        }
    }

    // MARK: Shutdown

    @Test("graceful shutdown lets the current cycle finish, then run() returns without waiting")
    func shutdownFinishesCycle() async throws {
        let provider = FakeProvider(name: "p", instances: [web1])
        await provider.holdFetches()
        let harness = try LoopHarness(providers: [provider])
        try await harness.running { trigger in
            await provider.waitForFetches(atLeast: 1)
            trigger.triggerGracefulShutdown()
            await provider.releaseFetches()
        }
        #expect(await harness.sink.applied.count == 1, "the cycle in flight still applied")
        #expect(harness.clock.sleepCallCount == 0, "no wait after shutdown")
    }

    @Test("graceful shutdown ends a wait at once")
    func shutdownEndsWait() async throws {
        let provider = FakeProvider(name: "p", instances: [web1])
        let harness = try LoopHarness(providers: [provider])
        try await harness.running { _ in
            await provider.waitForWatchers()
            await harness.clock.waitForSleepCalls(atLeast: 1)
        }
        #expect(harness.clock.now == TestClock.Instant())
        #expect(harness.clock.pendingSleeperCount == 0)
        #expect(await provider.fetchCount == 1)
        #expect(await provider.watcherCount == 0)
    }

    // MARK: Concurrency

    @Test("providers are fetched concurrently, at most maxConcurrentFetches at a time")
    func boundedFetches() async throws {
        let providers = (1...3).map { FakeProvider(name: "p\($0)", instances: [taggedInstance("web-\($0)", address: "10.0.0.\($0)")]) }
        for provider in providers { await provider.holdFetches() }
        let harness = try LoopHarness(providers: providers, maxConcurrentFetches: 2)
        try await harness.running { _ in
            await providers[0].waitForFetches(atLeast: 1)
            await providers[1].waitForFetches(atLeast: 1)
            // A loop without the limit would start the third fetch now: let it, before counting.
            await letOtherTasksRun()
            #expect(await providers[2].fetchCount == 0, "the third fetch waits for a free slot")
            await providers[1].releaseFetches()
            await providers[2].waitForFetches(atLeast: 1)
            await providers[0].releaseFetches()
            await providers[2].releaseFetches()
            await harness.clock.waitForSleepCalls(atLeast: 1)
            #expect(await harness.sink.lastCatalog?.endpointCount == 3)
        }
    }

    @Test("run(), runOnce() and collect() do not overlap")
    func exclusive() async throws {
        let provider = FakeProvider(name: "p", instances: [web1])
        let harness = try LoopHarness(providers: [provider])
        try await harness.running { _ in
            await harness.clock.waitForSleepCalls(atLeast: 1)
            await #expect(throws: DiscoveryError.alreadyRunning()) { try await harness.loop.runOnce() }
            await #expect(throws: DiscoveryError.alreadyRunning()) { try await harness.loop.collect() }
        }
        #expect(await provider.fetchCount == 1)
    }

    @Test("provider names must be unique and at least one provider is needed")
    func invalidConfiguration() throws {
        let error = #expect(throws: DiscoveryError.self) {
            try LoopHarness(providers: [FakeProvider(name: "azure:sub"), FakeProvider(name: "azure:sub")])
        }
        #expect(error?.code == .duplicateProviderName)
        #expect(error?.message.contains("azure:sub") == true)
        #expect(throws: DiscoveryError.noProviders()) { try LoopHarness(providers: []) }
    }
}

/// Yields many times so that every task that can run does, before a test asserts that something did
/// *not* happen (a fetch beyond the limit, an early cycle): without it such an assert passes vacuously.
func letOtherTasksRun() async {
    for _ in 0..<500 { await Task.yield() }
}
