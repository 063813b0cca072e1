import InMemoryLogging
import Logging
import ProviderKit
import ProviderKitTesting
import Testing

@Suite("Mass-drain guard and last good membership")
struct DrainGuardTests {
    static let five = (1...5).map { taggedInstance("web-\($0)", address: "10.0.0.\($0)") }

    /// Seen: a static file saved as `instances: []` put all 5 live servers into maintenance.
    @Test("an answer that empties a provider is held for confirm_cycles - 1 cycles, then applied")
    func emptyAnswerIsHeldUntilConfirmed() async throws {
        let provider = FakeProvider(name: "static:instances.yaml", instances: Self.five)
        let harness = try LoopHarness(providers: [provider])
        try await harness.running { _ in
            await harness.clock.waitForSleepCalls(atLeast: 1)
            #expect(await harness.sink.lastCatalog?.endpointCount == 5)

            await provider.setInstances([])
            for cycle in 2...3 {
                harness.clock.advance(by: .seconds(30))
                await harness.clock.waitForSleepCalls(atLeast: cycle)
                #expect(await harness.sink.lastCatalog?.endpointCount == 5, "cycle \(cycle) keeps the previous state")
                #expect(harness.nextDelay == .seconds(30), "a held answer is no failure: no backoff")
            }
            let warnings = harness.entries(.warning, containing: "static:instances.yaml answered")
            #expect(warnings.count == 2, "one warning per held cycle")
            #expect(warnings.allSatisfy { "\($0.message)".contains("5 of its 5 live servers") })
            #expect("\(warnings[0].message)".contains("seen 1 of 3"))
            #expect("\(warnings[0].message)".contains("safety.max_drain_fraction"))

            harness.clock.advance(by: .seconds(30))
            await harness.clock.waitForSleepCalls(atLeast: 4)
            #expect(await harness.sink.lastCatalog?.endpointCount == 0, "the third identical answer is applied")
        }
    }

    @Test("a different answer restarts the count; a small shrink is taken at once")
    func differentAnswerRestartsTheCount() async throws {
        let provider = FakeProvider(name: "p", instances: Self.five)
        let harness = try LoopHarness(providers: [provider])
        try await harness.running { _ in
            await harness.clock.waitForSleepCalls(atLeast: 1)
            await provider.setInstances(Array(Self.five.prefix(1)))
            harness.clock.advance(by: .seconds(30))
            await harness.clock.waitForSleepCalls(atLeast: 2)
            await provider.setInstances(Array(Self.five.prefix(2)))
            harness.clock.advance(by: .seconds(30))
            await harness.clock.waitForSleepCalls(atLeast: 3)
            harness.clock.advance(by: .seconds(30))
            await harness.clock.waitForSleepCalls(atLeast: 4)
            #expect(await harness.sink.lastCatalog?.endpointCount == 5, "two answers of the second kind are not three")

            // Back to four of five: 1 of 5 drained is within 0.5, taken at once.
            await provider.setInstances(Array(Self.five.prefix(4)))
            harness.clock.advance(by: .seconds(30))
            await harness.clock.waitForSleepCalls(atLeast: 5)
            #expect(await harness.sink.lastCatalog?.endpointCount == 4)
        }
    }

    @Test("max_drain_fraction 1 turns the guard off")
    func fractionOneDisables() async throws {
        let provider = FakeProvider(name: "p", instances: Self.five)
        let harness = try LoopHarness(providers: [provider], drainGuard: try DrainGuardPolicy(maxDrainFraction: 1))
        try await harness.running { _ in
            await harness.clock.waitForSleepCalls(atLeast: 1)
            await provider.setInstances([])
            harness.clock.advance(by: .seconds(30))
            await harness.clock.waitForSleepCalls(atLeast: 2)
            #expect(await harness.sink.lastCatalog?.endpointCount == 0)
        }
    }

    @Test("only the draining provider is held; the others' answers are applied")
    func holdIsPerProvider() async throws {
        let a = FakeProvider(name: "a", instances: Self.five)
        let b = FakeProvider(name: "b", instances: [taggedInstance("api-1", service: "api", address: "10.0.1.1")])
        let harness = try LoopHarness(providers: [a, b])
        try await harness.running { _ in
            await harness.clock.waitForSleepCalls(atLeast: 1)
            await a.setInstances([])
            await b.setInstances([
                taggedInstance("api-1", service: "api", address: "10.0.1.1"),
                taggedInstance("api-2", service: "api", address: "10.0.1.2"),
            ])
            harness.clock.advance(by: .seconds(30))
            await harness.clock.waitForSleepCalls(atLeast: 2)
            let catalog = try #require(await harness.sink.lastCatalog)
            #expect(catalog.addressesByService["web:80@westeurope"]?.count == 5)
            #expect(catalog.addressesByService["api:80@westeurope"]?.count == 2)
            #expect(harness.entries(.warning, containing: "provider a answered").count == 1)
        }
    }

    /// Seen: `instances: []` and `--once` exited 0 after draining all 5 live servers.
    @Test("runOnce fails with the hold's message when the first answer would drain what the sink serves")
    func runOnceFailsUnlessDrainIsAllowed() async throws {
        let provider = FakeProvider(name: "static:instances.yaml", instances: [])
        let harness = try LoopHarness(providers: [provider])
        await harness.sink.setServing(Set((1...5).map { ServingAddress(address: "10.0.0.\($0)", port: 80) }))

        let error = try #require(await #expect(throws: DiscoveryError.self) { try await harness.loop.runOnce() })
        #expect(error.code == .drainHeld)
        #expect(error.message.contains("static:instances.yaml"))
        #expect(error.message.contains("5 of its 5 live servers"))
        #expect(error.message.contains("--allow-drain"))
        #expect(await harness.sink.attempts.isEmpty, "nothing was applied")

        let report = try await harness.loop.runOnce(allowDrain: true)
        #expect(report.catalog?.endpointCount == 0)
        #expect(await harness.sink.applied.count == 1)
    }

    @Test("runOnce applies a first answer that keeps most of what the sink serves")
    func runOnceTakesASmallDrain() async throws {
        let provider = FakeProvider(name: "p", instances: Array(Self.five.prefix(4)))
        let harness = try LoopHarness(providers: [provider])
        await harness.sink.setServing(Set((1...5).map { ServingAddress(address: "10.0.0.\($0)", port: 80) }))
        let report = try await harness.loop.runOnce()
        #expect(report.catalog?.endpointCount == 4)
    }

    /// Seen: `HAProxy:Service:Port: 70000` on a live instance put its slot in maintenance (503).
    @Test("a serving instance whose service tag becomes malformed keeps its membership, with a warning each cycle")
    func malformedTagKeepsLastGoodMembership() async throws {
        let provider = FakeProvider(name: "p", instances: Self.five)
        let harness = try LoopHarness(providers: [provider])
        try await harness.running { _ in
            await harness.clock.waitForSleepCalls(atLeast: 1)
            var typo = Self.five
            typo[0] = taggedInstance("web-1", port: "70000", address: "10.0.0.1")
            await provider.setInstances(typo)
            for cycle in 2...3 {
                harness.clock.advance(by: .seconds(30))
                await harness.clock.waitForSleepCalls(atLeast: cycle)
                #expect(await harness.sink.lastCatalog?.addressesByService["web:80@westeurope"]?.contains("10.0.0.1:80") == true)
            }
            let warnings = harness.entries(.warning, containing: "keeps serving web:80@westeurope")
            #expect(warnings.count == 2, "one warning per cycle")
            #expect("\(warnings[0].message)".contains("HAProxy:Service:Port=\"70000\""))

            // Once the instance is gone, it leaves.
            await provider.setInstances(Array(Self.five.dropFirst()))
            harness.clock.advance(by: .seconds(30))
            await harness.clock.waitForSleepCalls(atLeast: 4)
            #expect(await harness.sink.lastCatalog?.addressesByService["web:80@westeurope"]?.contains("10.0.0.1:80") == false)
        }
    }

    @Test("a never-serving instance with a malformed tag is skipped as before")
    func malformedTagOnANewInstanceIsSkipped() async throws {
        let provider = FakeProvider(name: "p", instances: Self.five + [taggedInstance("web-9", port: "70000", address: "10.0.0.9")])
        let harness = try LoopHarness(providers: [provider])
        let report = try await harness.loop.runOnce()
        #expect(report.catalog?.endpointCount == 5)
        #expect(report.grouping?.warnings.map(\.instanceID) == ["web-9"])
    }

    @Test("settings outside their ranges are refused naming the key")
    func policyValidation() {
        #expect(throws: DrainGuardPolicyError.self) { try DrainGuardPolicy(maxDrainFraction: 1.5) }
        #expect(throws: DrainGuardPolicyError.self) { try DrainGuardPolicy(confirmCycles: 0) }
        #expect(DrainGuardPolicy.standard.maxDrainFraction == 0.5)
        #expect(DrainGuardPolicy.standard.confirmCycles == 3)
    }

    /// Seen: one backend missing from haproxy.cfg failed every cycle and the pause grew 5 → 10 → 20 s.
    @Test("services a sink could not apply are logged every cycle without backing off; runOnce fails")
    func serviceFailuresDoNotBackOff() async throws {
        let provider = FakeProvider(name: "p", instances: Self.five)
        let harness = try LoopHarness(providers: [provider])
        await harness.sink.setServiceFailures([ServiceFailure(target: "azure-web-80-westeurope", message: "add backend")])
        try await harness.running { _ in
            await harness.clock.waitForSleepCalls(atLeast: 1)
            #expect(harness.nextDelay == .seconds(30))
            harness.clock.advance(by: .seconds(30))
            await harness.clock.waitForSleepCalls(atLeast: 2)
            #expect(harness.nextDelay == .seconds(30))
            #expect(harness.entries(.error, containing: "azure-web-80-westeurope not applied (the others were): add backend").count == 2)
        }
        let error = try #require(await #expect(throws: DiscoveryError.self) { try await harness.loop.runOnce() })
        #expect(error.code == .servicesFailed)
        #expect(error.message.contains("azure-web-80-westeurope"))
    }
}
