import InMemoryLogging
import Logging
import ProviderKit
import ProviderKitTesting
import ServiceLifecycleTestKit
import Testing

/// What the loop writes to the log: one line per cycle that changed something or failed, a debug line for a
/// quiet one, one line when a provider recovers or a requested full resync completes.
@Suite("Cycle log lines")
struct CycleLogTests {
    let web1 = taggedInstance("web-1", address: "10.0.0.1")
    let web2 = taggedInstance("web-2", address: "10.0.0.2")

    /// The loop's lines of one cycle (the entries carrying its `cycle` metadata).
    func lines(_ harness: LoopHarness, cycle: Int) -> [InMemoryLogHandler.Entry] {
        harness.logs.entries.filter { $0.metadata["cycle"]?.description == "\(cycle)" }
    }

    @Test("a cycle that changed something is one info line with the counts; a quiet cycle logs at debug only")
    func changedAndQuietCycles() async throws {
        let provider = FakeProvider(name: "p", instances: [web1])
        // Without the mass-drain guard, which would hold the swap of the only instance.
        let harness = try LoopHarness(providers: [provider], drainGuard: .disabled)
        try await harness.running { _ in
            await harness.clock.waitForSleepCalls(atLeast: 1)
            harness.clock.advance(by: .seconds(30))
            await harness.clock.waitForSleepCalls(atLeast: 2)
            await provider.setInstances([web2])
            harness.clock.advance(by: .seconds(30))
            await harness.clock.waitForSleepCalls(atLeast: 3)
        }
        // Cycle 1 added web-1: the sink's change line, then the cycle's own line.
        let first = lines(harness, cycle: 1).filter { $0.level >= .info }
        #expect(first.map(\.message.description) == ["web:80@westeurope: add web-1 10.0.0.1:80", "Cycle complete"])
        let complete = try #require(first.last)
        #expect(complete.metadata["servers_added"]?.description == "1")
        #expect(complete.metadata["servers_freed"]?.description == "0")
        #expect(complete.metadata["services"]?.description == "1")
        #expect(complete.metadata["duration"] != nil)

        // Cycle 2 changed nothing: nothing at info or above.
        #expect(lines(harness, cycle: 2).filter { $0.level >= .info }.isEmpty)
        let quiet = try #require(lines(harness, cycle: 2).first { $0.message.description.hasPrefix("Cycle complete") })
        #expect(quiet.level == .debug)
        #expect(quiet.message.description == "Cycle complete; nothing changed")
        #expect(quiet.metadata["servers_added"] == nil, "a quiet line carries no zero counts")

        // Cycle 3 swapped web-1 for web-2.
        let third = try #require(lines(harness, cycle: 3).last { $0.message.description == "Cycle complete" })
        #expect(third.level == .info)
        #expect(third.metadata["servers_added"]?.description == "1")
        #expect(third.metadata["servers_freed"]?.description == "1")
    }

    @Test("a failing cycle is one line with the reason as a sentence and the consecutive count; recovery is one info line")
    func failureAndRecovery() async throws {
        let provider = FakeProvider(name: "static:/etc/fleet.yaml", instances: [web1])
        let harness = try LoopHarness(providers: [provider])
        try await harness.running { _ in
            await harness.clock.waitForSleepCalls(atLeast: 1)
            await provider.enqueueFailure(FakeProviderError("/etc/fleet.yaml: no such file; create it or fix the path"), count: 3)
            harness.clock.advance(by: .seconds(30))
            await harness.clock.waitForSleepCalls(atLeast: 2)
            harness.clock.advance(by: .seconds(2))
            await harness.clock.waitForSleepCalls(atLeast: 3)
            harness.clock.advance(by: .seconds(4))
            await harness.clock.waitForSleepCalls(atLeast: 4)
            harness.clock.advance(by: .seconds(8))
            await harness.clock.waitForSleepCalls(atLeast: 5)
        }
        for (cycle, count) in [(2, 1), (3, 2), (4, 3)] {
            let loud = lines(harness, cycle: cycle).filter { $0.level >= .info }
            #expect(loud.count == 1, "one line per failed cycle, not one per provider and one per cycle")
            let line = try #require(loud.first)
            #expect(line.level == .warning)
            #expect(
                line.message.description
                    == "Cycle failed: static provider /etc/fleet.yaml: no such file; create it or fix the path; "
                    + "the last good instances of the failed provider stay applied"
            )
            #expect(line.metadata["consecutive_failures"]?.description == "\(count)")
        }
        let recovered = lines(harness, cycle: 5).filter { $0.level >= .info }
        #expect(recovered.map(\.message.description) == ["static /etc/fleet.yaml recovered after 3 failed cycles"])
        #expect(recovered.first?.level == .info)
        #expect(harness.entries(.info, containing: "recovered").count == 1, "said once, not every good cycle")
    }

    @Test("a sink failure is one error line with the sink's sentence")
    func sinkFailure() async throws {
        let provider = FakeProvider(name: "p", instances: [web1])
        let harness = try LoopHarness(providers: [provider])
        await harness.sink.enqueueFailure(RecordingSinkError("cannot connect to the target: connection refused"))
        try await harness.running { _ in
            await harness.clock.waitForSleepCalls(atLeast: 1)
        }
        let loud = lines(harness, cycle: 1).filter { $0.level >= .info }
        #expect(loud.map(\.level) == [.error])
        #expect(loud.first?.message.description == "Cycle failed: cannot connect to the target: connection refused")
        #expect(loud.first?.metadata["consecutive_failures"]?.description == "1")
    }

    @Test("a requested full resync says when it completed, once; the startup resync does not")
    func resyncCompleted() async throws {
        let provider = FakeProvider(name: "p", instances: [web1])
        let harness = try LoopHarness(providers: [provider])
        try await harness.running { _ in
            await harness.clock.waitForSleepCalls(atLeast: 1)
            #expect(harness.entries(.info, containing: "Full resync complete").isEmpty)
            harness.loop.requestFullResync()
            await harness.clock.waitForSleepCalls(atLeast: 2)
            harness.clock.advance(by: .seconds(30))
            await harness.clock.waitForSleepCalls(atLeast: 3)
        }
        let completed = harness.entries(.info, containing: "Full resync complete")
        #expect(completed.count == 1)
        #expect(completed.first?.metadata["cycle"]?.description == "2")
    }

    @Test("the sink's changes and failed services go to the sink's logger, one line each, the fix as a field")
    func sinkLinesUnderTheSinkLogger() async throws {
        var loopHandler = InMemoryLogHandler()
        loopHandler.logLevel = .debug
        var sinkHandler = InMemoryLogHandler()
        sinkHandler.logLevel = .debug
        let sink = RecordingSink(name: "haproxy-runtime")
        await sink.setServiceFailures([
            ServiceFailure(
                target: "demo-api-9090-local",
                message: "HAProxy has no such backend, and the Runtime API cannot create backends",
                fix: "add it to haproxy.cfg and reload HAProxy once (discoveryd plan prints the lines)",
                details: "Add to haproxy.cfg:\nbackend demo-api-9090-local\n    mode http"
            )
        ])
        let loop = try DiscoveryLoop(
            providers: [FakeProvider(name: "p", instances: [web1])],
            sink: sink,
            clock: TestClock(),
            logger: Logger(label: "loop") { [loopHandler] _ in loopHandler },
            sinkLogger: Logger(label: "sink") { [sinkHandler] _ in sinkHandler }
        )
        _ = try? await loop.runOnce()

        let sinkLines = sinkHandler.entries
        #expect(sinkLines.map(\.message.description) == [
            "demo-api-9090-local not applied (the others were): HAProxy has no such backend, and the Runtime API "
                + "cannot create backends",
            "web:80@westeurope: add web-1 10.0.0.1:80",
        ])
        #expect(sinkLines.first?.level == .error)
        #expect(sinkLines.first?.metadata["fix"]?.description.contains("discoveryd plan") == true)
        #expect(sinkLines.allSatisfy { !$0.message.description.contains("\n") && $0.metadata["fix"]?.description.contains("\n") != true })
        #expect(loopHandler.entries.allSatisfy { !$0.message.description.contains("web-1 10.0.0.1") }, "not under the loop's logger")
    }
}
