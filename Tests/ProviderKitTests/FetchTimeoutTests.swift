import InMemoryLogging
import Logging
import ProviderKit
import ProviderKitTesting
import Testing

// Without a working timeout these tests would hang on the held fetch, so a time limit turns that into a failure.
@Suite("Per-fetch timeout", .timeLimit(.minutes(1)))
struct FetchTimeoutTests {
    static let policy = PollingPolicy(
        interval: .seconds(30),
        jitter: .zero,
        backoffBase: .seconds(2),
        maxBackoff: .seconds(40),
        fetchTimeout: .seconds(10)
    )

    let web1 = taggedInstance("web-1", address: "10.0.0.1")
    let api1 = taggedInstance("api-1", service: "api", port: "8080", address: "10.0.1.1")

    @Test("a fetch that outlasts the timeout is cancelled and fails the cycle with an error naming the provider")
    func hangingFetchTimesOut() async throws {
        let (_, harness, run) = try await runOnceWithHeldFetch()
        #expect(harness.nextDelay == .seconds(10))

        // The fetch is never released: runOnce() returning proves it was cancelled.
        harness.clock.advance(by: .seconds(10))
        guard case .failure(let error) = await run.result else {
            Issue.record("runOnce() succeeded although the only provider never answered")
            return
        }
        let failure = try #require(error as? DiscoveryError)
        #expect(failure.code == .providerFailed)
        let timeout = try #require(failure.underlying.first as? DiscoveryError)
        #expect(timeout.code == .fetchTimedOut)
        #expect(
            timeout.message
                == #"provider "slow" did not return its instances within 10 seconds; the fetch was cancelled and "#
                + "counts as a failure (raise the fetch timeout if the provider is just slow)"
        )
        #expect(await harness.sink.applied.isEmpty)
        #expect(harness.clock.pendingSleeperCount == 0)
    }

    @Test("a fetch that answers just inside the timeout is applied and leaves no timer behind")
    func answerInsideTimeout() async throws {
        let (slow, harness, run) = try await runOnceWithHeldFetch()

        harness.clock.advance(by: .seconds(9))
        await slow.releaseFetches()
        let report = try await run.value
        #expect(report.providerFailures.isEmpty)
        #expect(await harness.sink.applied.count == 1)
        #expect(await harness.sink.lastCatalog?.endpointCount == 1)
        #expect(harness.clock.pendingSleeperCount == 0)
    }

    /// `runOnce()` on a loop whose one provider, "slow", holds its fetch; returns once the timeout timer runs.
    private func runOnceWithHeldFetch() async throws -> (FakeProvider, LoopHarness, Task<CycleReport, any Error>) {
        let slow = FakeProvider(name: "slow", instances: [web1])
        let harness = try LoopHarness(providers: [slow], policy: Self.policy)
        await slow.holdFetches()
        let run = Task { try await harness.loop.runOnce() }
        await slow.waitForFetches(atLeast: 1)
        await harness.clock.waitForSleepers(count: 1)
        return (slow, harness, run)
    }

    @Test("a hanging provider does not stall the loop: the others are applied with its last good snapshot")
    func hangingProviderKeepsLastGood() async throws {
        let healthy = FakeProvider(name: "healthy", instances: [web1])
        let hanging = FakeProvider(name: "hanging", instances: [api1])
        let harness = try LoopHarness(providers: [healthy, hanging], policy: Self.policy)
        try await harness.running { _ in
            // Per cycle: one timeout timer per provider, then the wait for the next cycle.
            await harness.clock.waitForSleepCalls(atLeast: 3)
            let firstCatalog = try #require(await harness.sink.lastCatalog)
            #expect(firstCatalog.endpointCount == 2)

            await hanging.holdFetches()
            harness.clock.advance(by: .seconds(30))
            await hanging.waitForFetches(atLeast: 2)
            await harness.clock.waitForSleepCalls(atLeast: 5)
            harness.clock.advance(by: .seconds(10))
            await harness.clock.waitForSleepCalls(atLeast: 6)

            let applied = await harness.sink.applied
            #expect(applied.count == 2)
            #expect(applied.last?.catalog == firstCatalog)
            #expect(await healthy.fetchCount == 2)
            #expect(harness.nextDelay == .seconds(2), "a cycle with a timed-out provider counts as failed")

            let warning = try #require(harness.entries(.warning, containing: "the last good instances").first)
            #expect(warning.message.description.hasPrefix(#"Cycle failed: provider "hanging" did not return its instances within 10 seconds"#))
            await hanging.releaseFetches()
        }
    }

    @Test("the default policy times a fetch out after 120 s; nil turns the timeout off")
    func defaultTimeout() {
        #expect(PollingPolicy().fetchTimeout == .seconds(120))
        #expect(PollingPolicy(fetchTimeout: nil).fetchTimeout == nil)
    }
}
