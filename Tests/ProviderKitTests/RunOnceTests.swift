import ProviderKit
import ProviderKitTesting
import Testing

@Suite("One-shot cycle and plan")
struct RunOnceTests {
    let web1 = taggedInstance("web-1", address: "10.0.0.1")
    let web2 = taggedInstance("web-2", address: "10.0.0.2")

    @Test("runOnce applies with a full resync and reports every provider")
    func success() async throws {
        let first = FakeProvider(name: "a", instances: [web1])
        let second = FakeProvider(name: "b", instances: [web2, taggedInstance("stopped", state: .stopped)])
        let harness = try LoopHarness(providers: [first, second])
        let report = try await harness.loop.runOnce()

        #expect(report.succeeded)
        #expect(report.fullResync)
        #expect(report.providers.map(\.provider) == ["a", "b"])
        let counts = report.providers.map { report -> Int? in
            if case .fetched(let count) = report.outcome { count } else { nil }
        }
        #expect(counts == [1, 2])
        #expect(report.catalog?.endpointCount == 2)
        #expect(report.grouping?.skipped.map(\.instanceID) == ["stopped"])
        #expect(report.sink.report?.serversChanged == 2)
        #expect(await harness.sink.applied.map(\.options) == [ApplyOptions(fullResync: true)])
        #expect(harness.clock.sleepCallCount == 0)
    }

    @Test("runOnce throws naming the provider when one fails, and applies nothing")
    func providerFailure() async throws {
        let good = FakeProvider(name: "good", instances: [web1])
        let bad = FakeProvider(name: "static:/etc/discoveryd/instances.yaml")
        await bad.enqueueFailure(FakeProviderError("line 3: expected a mapping"))
        let harness = try LoopHarness(providers: [good, bad])

        let error = try #require(await #expect(throws: DiscoveryError.self) { try await harness.loop.runOnce() })
        #expect(error.code == .providerFailed)
        #expect(error.message.contains("static:/etc/discoveryd/instances.yaml"))
        #expect(error.message.contains("line 3: expected a mapping"))
        #expect(error.underlying.count == 1)
        let report = try #require(error.report)
        #expect(report.grouping == nil)
        guard case .waitingForProviders = report.sink else {
            Issue.record("expected the sink to be skipped, got \(report.sink)")
            return
        }
        #expect(await harness.sink.attempts.isEmpty)
    }

    @Test("runOnce throws when the sink fails")
    func sinkFailure() async throws {
        let provider = FakeProvider(name: "p", instances: [web1])
        let harness = try LoopHarness(providers: [provider])
        await harness.sink.enqueueFailure(RecordingSinkError("dataplane returned 500"))

        let error = try #require(await #expect(throws: DiscoveryError.self) { try await harness.loop.runOnce() })
        #expect(error.code == .sinkFailed)
        #expect(error.message.contains("dataplane returned 500"))
        #expect(error.message.contains(harness.sink.name))
        #expect(await harness.sink.attempts.count == 1)
    }

    @Test("collect groups the current state without applying it")
    func collect() async throws {
        let provider = FakeProvider(name: "p", instances: [web1, taggedInstance("bad", port: "0")])
        let harness = try LoopHarness(providers: [provider])
        let snapshot = try await harness.loop.collect()
        #expect(snapshot.catalog.addressesByService == ["web:80@westeurope": ["10.0.0.1:80"]])
        #expect(snapshot.grouping.warnings.map(\.instanceID) == ["bad"])
        #expect(snapshot.instancesByProvider.map(\.provider) == ["p"])
        #expect(snapshot.instances.count == 2)
        #expect(await harness.sink.attempts.isEmpty)
    }

    @Test("collect throws when a provider fails rather than planning from partial data")
    func collectFailure() async throws {
        let good = FakeProvider(name: "good", instances: [web1])
        let bad = FakeProvider(name: "bad")
        await bad.setFailure(FakeProviderError())
        let harness = try LoopHarness(providers: [good, bad])
        await #expect(throws: DiscoveryError.providerFailed([("bad", FakeProviderError())])) {
            try await harness.loop.collect()
        }
    }
}
