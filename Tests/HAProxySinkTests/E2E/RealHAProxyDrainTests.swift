import Foundation
import HAProxySink
import HAProxyTesting
import ProviderKit
import Testing

/// Graceful drain (`haproxy.drain_seconds`) through the Runtime API sink against a real HAProxy, with real
/// HTTP servers behind it. The sink's clock is the test's, so when a drain ends is decided by the test, not
/// by how fast a loaded machine runs; only the long request takes real time. In the real-HAProxy suite (an
/// extension of it), which runs its tests one at a time.
extension RealHAProxyRuntimeSinkTests {
    /// Three servers (`web-1`…`web-3` on 127.0.0.`firstHost`…) behind a real HAProxy, and a Runtime API sink
    /// with a 60 s drain on the test's clock.
    static func withDrainingSink(
        firstHost: Int,
        _ body: (RealHAProxyLab, RuntimeAPISink, HAProxySinkSettings, ManualTime) async throws -> Void
    ) async throws {
        try await withRealHAProxy(
            backends: [.init(backend)],
            servers: NameHTTPServer.numbered("web", 1...3, firstHost: firstHost)
        ) { lab in
            let time = ManualTime()
            let settings = HAProxySinkSettings(drainPolicy: try DrainPolicy(seconds: 60))
            try await body(lab, RuntimeAPISink(client: lab.haproxy.runtime, settings: settings, now: { time.now }), settings, time)
        }
    }

    @Test func aLongRequestThroughALeavingServerCompletesWhileNewRequestsGoElsewhere() async throws {
        try await Self.withDrainingSink(firstHost: 31) { lab, sink, _, time in
            let (haproxy, web, probe) = (lab.haproxy, lab.servers, lab.probe)
            let started = try await haproxy.info()

            try await sink.apply(Self.catalog(web), options: ApplyOptions(fullResync: true))
            #expect(try await probe.waitForResponders(["web-1", "web-2", "web-3"], timeout: .seconds(20)) != nil)
            let slot = try #require(try await haproxy.activeSlots(backend: Self.backend).first {
                $0.value == "\(web[1].host):\(web[1].port)"
            }?.key)

            // Long requests on every server (round robin), so one is in flight on web-2 when it leaves.
            let longRequests = Task {
                try await withThrowingTaskGroup(of: String.self) { group in
                    for _ in 0..<3 {
                        group.addTask { try await probe.send(path: "slow/3000", timeout: .seconds(20)) }
                    }
                    return try await group.reduce(into: [String]()) { $0.append($1) }
                }
            }
            let deadline = ContinuousClock.now + .seconds(15)
            while web[1].requestsStarted == 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(web[1].requestsStarted > 0, "a long request reached web-2")

            // web-2's instance leaves: one command, its slot goes to drain at the same address.
            let leaving = try await sink.apply(Self.catalog([web[0], web[2]]), options: ApplyOptions())
            #expect(leaving.serversChanged == 1)
            #expect(leaving.requests == 3, "show backend, show servers state, set server … state drain")
            #expect(leaving.revisitAfter == .milliseconds(60_250), "the loop is asked back when the drain ends")
            let draining = try #require(try await haproxy.servers(backend: Self.backend)[slot])
            #expect(draining.isDraining && !draining.isInMaintenance)
            #expect("\(draining.address):\(draining.port)" == "\(web[1].host):\(web[1].port)")

            // For the mass-drain guard a draining server is leaving, not serving.
            let serving = try await sink.servingAddresses()
            #expect(!serving.contains(ServingAddress(address: web[1].host, port: web[1].port)))
            #expect(serving.count == 2)

            // New requests go to the others only; the long one through web-2 completes.
            let servedBefore = web[1].requests
            #expect(try await probe.responders(12) == ["web-1", "web-3"])
            let answers = try await longRequests.value
            #expect(answers.sorted() == ["web-1", "web-2", "web-3"])
            #expect(web[1].requests == servedBefore + 1, "only the long request was answered by web-2")

            // While it drains, applying again writes nothing, and a newcomer does not get its slot.
            let steady = try await sink.apply(Self.catalog([web[0], web[2]]), options: ApplyOptions())
            #expect(steady.serversChanged == 0)

            // The drain ends: the slot goes to maintenance at the placeholder address.
            time.advance(by: 60)
            let expired = try await sink.apply(Self.catalog([web[0], web[2]]), options: ApplyOptions())
            #expect(expired.serversChanged == 1)
            #expect(expired.revisitAfter == nil)
            let freed = try #require(try await haproxy.servers(backend: Self.backend)[slot])
            #expect(freed.isInMaintenance)
            #expect(freed.address == "127.0.0.1" && freed.port == 80)

            let unchanged = try await haproxy.info()
            #expect(unchanged.pid == started.pid, "no reload: the same HAProxy process serves")
        }
    }

    @Test func anInstanceThatComesBackDuringItsDrainServesAgainFromTheSameSlot() async throws {
        try await Self.withDrainingSink(firstHost: 41) { lab, sink, settings, time in
            let (haproxy, web, probe) = (lab.haproxy, lab.servers, lab.probe)
            let all: Set<String> = ["web-1", "web-2", "web-3"]

            try await sink.apply(Self.catalog(web), options: ApplyOptions(fullResync: true))
            #expect(try await probe.waitForResponders(all, timeout: .seconds(20)) != nil)
            let before = try await haproxy.activeSlots(backend: Self.backend)

            try await sink.apply(Self.catalog([web[0], web[1]]), options: ApplyOptions())
            #expect(try await probe.responders(12) == ["web-1", "web-2"])

            // A sink that restarts meanwhile finds the drain in HAProxy and keeps it.
            let restarted = RuntimeAPISink(client: haproxy.runtime, settings: settings, now: { time.now })
            time.advance(by: 30)
            let adopted = try await restarted.apply(Self.catalog([web[0], web[1]]), options: ApplyOptions(fullResync: true))
            #expect(adopted.serversChanged == 0)

            // web-3 is back: ready again in its own slot, one command, nobody else moves.
            time.advance(by: 10)
            let back = try await restarted.apply(Self.catalog(web), options: ApplyOptions())
            #expect(back.serversChanged == 1)
            #expect(back.requests == 3, "show backend, show servers state, set server … state ready")
            #expect(try await probe.waitForResponders(all, timeout: .seconds(20)) != nil)
            #expect(try await haproxy.activeSlots(backend: Self.backend) == before)
            let servers = try await haproxy.servers(backend: Self.backend)
            #expect(servers.values.allSatisfy { !$0.isDraining || $0.isInMaintenance })
        }
    }
}
