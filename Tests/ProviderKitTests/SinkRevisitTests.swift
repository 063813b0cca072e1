import ProviderKit
import ProviderKitTesting
import Testing

/// A sink with a change due at a time (a drain that ends) gets its next cycle then, not an interval later.
@Suite("Loop: a sink's revisit deadline")
struct SinkRevisitTests {
    let web1 = taggedInstance("web-1", address: "10.0.0.1")

    @Test("a successful apply that asks to be called again in 2 s gets its next cycle in 2 s, not 30")
    func revisitComesBeforeTheInterval() async throws {
        let provider = FakeProvider(name: "p", instances: [web1])
        let harness = try LoopHarness(providers: [provider])
        await harness.sink.setRevisitAfter(.seconds(2))
        try await harness.running { _ in
            await harness.clock.waitForSleepCalls(atLeast: 1)
            #expect(harness.nextDelay == .seconds(2))

            // Once nothing is due any more, the interval is back.
            await harness.sink.setRevisitAfter(nil)
            harness.clock.advance(by: .seconds(2))
            await harness.clock.waitForSleepCalls(atLeast: 2)
            #expect(await provider.fetchCount == 2)
            #expect(harness.nextDelay == .seconds(30))
        }
    }

    @Test("a revisit never shortens the backoff after a failed cycle")
    func revisitDoesNotShortenBackoff() async throws {
        let provider = FakeProvider(name: "p", instances: [web1])
        let harness = try LoopHarness(providers: [provider])
        await harness.sink.setRevisitAfter(.seconds(1))
        try await harness.running { _ in
            await harness.clock.waitForSleepCalls(atLeast: 1)
            #expect(harness.nextDelay == .seconds(1))

            // The provider fails: its last good snapshot is applied (the sink still asks for 1 s), but the
            // cycle failed, and the backoff (2 s) is not shortened.
            await provider.enqueueFailure()
            harness.clock.advance(by: .seconds(1))
            await harness.clock.waitForSleepCalls(atLeast: 2)
            #expect(await harness.sink.applied.count == 2)
            #expect(harness.nextDelay == .seconds(2))
        }
    }
}
