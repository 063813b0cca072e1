import Foundation
import HAProxySink
import HAProxyTesting
import Testing

/// The whole product against a real HAProxy: the `discoveryd` binary with the static-file provider and the
/// Runtime API sink, tiny HTTP servers on 127.0.0.x as the instances, and assertions over real HTTP.
@Suite(
    "discoveryd end to end: static file, Runtime API, real HAProxy",
    .enabled(if: HAProxyProcess.isInstalled, "haproxy is not installed (apt-get install haproxy); .ci/run installs it"),
    .serialized
)
struct DiscoverydEndToEndTests {
    static let backend = "e2e-web-8080-lab"
    /// The promise under test: a fixture edit reaches real traffic within this.
    static let propagationLimit = Duration.seconds(2)

    @Test func fixtureEditsReachTrafficWithinTwoSecondsWithoutAReloadAndARestartIsRepaired() async throws {
        try await E2EEnvironment.withRunning { env in
            let started = try await env.haproxy.info()

            // Ten slots are declared; ten instances fill them.
            var members = (1...10).map(E2EEnvironment.name)
            _ = try await env.edit(members)

            // An eleventh goes beyond the declared slots (add server); nobody else moves.
            let before = try await env.haproxy.activeSlots(backend: Self.backend)
            members.append(E2EEnvironment.name(11))
            let joined = try await env.edit(members)
            #expect(joined <= Self.propagationLimit, "instance joining took \(joined)")
            let after = try await env.haproxy.activeSlots(backend: Self.backend)
            #expect(after.filter { $0.key != "srv11" } == before, "no other server's address changed")
            let joinedEndpoint = try env.endpoint(of: E2EEnvironment.name(11))
            #expect(after["srv11"] == joinedEndpoint)

            // A removed instance gets no new request.
            members.removeAll { $0 == E2EEnvironment.name(2) }
            let removed = try await env.edit(members)
            #expect(removed <= Self.propagationLimit, "instance leaving took \(removed)")
            let requestsBefore = try env.server(E2EEnvironment.name(2)).requests
            _ = try await env.probe.distribution(of: 40)
            #expect(try env.server(E2EEnvironment.name(2)).requests == requestsBefore)

            // A changed address: web-03's machine now answers where web-12 listens; same slot.
            let web03Endpoint = try env.endpoint(of: E2EEnvironment.name(3))
            let web03Slot = try #require(after.first { $0.value == web03Endpoint }?.key)
            env.moved[E2EEnvironment.name(3)] = E2EEnvironment.name(12)
            let readdressed = try await env.edit(members)
            #expect(readdressed <= Self.propagationLimit, "address change took \(readdressed)")
            let moved = try await env.haproxy.activeSlots(backend: Self.backend)
            let web12Endpoint = try env.endpoint(of: E2EEnvironment.name(12))
            #expect(moved[web03Slot] == web12Endpoint)

            // A broken edit changes nothing: the last good file stands.
            try env.writeFixture("instances:\n  - id: [broken\n")
            try await Task.sleep(for: .milliseconds(2500))
            #expect(try await env.probe.responders(48) == env.expectedResponders(members))
            #expect(try await env.haproxy.activeSlots(backend: Self.backend) == moved)
            #expect(env.discoveryd.isRunning)
            #expect(env.discoveryd.log.contains("instances.yaml:3: is not valid YAML"), "the broken file was read")

            let unchanged = try await env.haproxy.info()
            #expect(unchanged.pid == started.pid, "no reload or restart of HAProxy")
            #expect(unchanged.uptimeSeconds >= started.uptimeSeconds)

            // A restart of HAProxy loses every runtime change; the next cycle (every 5 s) repairs it, same
            // slots. The fixed file is read first, so that no file-triggered cycle does the repair.
            _ = try await env.edit(members)
            try await Task.sleep(for: .milliseconds(1500))
            try await env.haproxy.restart()
            #expect(try await env.haproxy.info().pid != started.pid)
            // One request right away (the next cycle is seconds off): the restart really emptied the slots.
            #expect(try await env.probe.send() == "HTTP 503")
            let repaired = try await env.probe.waitForResponders(
                env.expectedResponders(members),
                count: 2 * members.count + 2,
                timeout: .seconds(20)
            )
            let repairedWithin = try #require(repaired, "not repaired after a restart")
            print("discoveryd repaired a restarted HAProxy after \(repairedWithin) (polling interval 5 s)")
            #expect(repairedWithin <= .seconds(8))
            #expect(try await env.haproxy.activeSlots(backend: Self.backend) == moved)
        }
    }

    /// `haproxy.drain_seconds: 2`: an instance leaves while a long request runs through it. New requests go to
    /// the others at once, the long one completes, and when the drain ends the slot is in maintenance, without
    /// waiting for the 30 s polling interval (the sink asks the loop back for the drain's end).
    @Test func aLeavingInstanceDrainsItsLongRequestThenItsSlotIsFreed() async throws {
        try await E2EEnvironment.withRunning(drainSeconds: 2, intervalSeconds: 30) { env in
            let members = (1...3).map(E2EEnvironment.name)
            _ = try await env.edit(members)
            let leaving = try env.server(E2EEnvironment.name(2))
            let leavingEndpoint = try env.endpoint(of: leaving.name)
            let slot = try #require(
                try await env.haproxy.activeSlots(backend: Self.backend).first { $0.value == leavingEndpoint }?.key
            )

            // A long request on each instance (round robin), so one runs through the leaving one.
            let probe = env.probe
            let longRequests = Task {
                try await withThrowingTaskGroup(of: String.self) { group in
                    for _ in 0..<3 { group.addTask { try await probe.send(path: "slow/2500", timeout: .seconds(30)) } }
                    return try await group.reduce(into: [String]()) { $0.append($1) }
                }
            }
            let deadline = ContinuousClock.now + .seconds(15)
            while leaving.requestsStarted == 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(leaving.requestsStarted > 0, "a long request reached \(leaving.name)")

            // It leaves: new requests go to the others only, while its long request goes on and completes.
            let remaining = members.filter { $0 != leaving.name }
            let drainStarted = ContinuousClock.now
            let shifted = try await env.edit(remaining)
            #expect(shifted <= Self.propagationLimit, "new requests left the draining server after \(shifted)")
            // Every long request completes, the leaving instance's included. (Which instance served the other two
            // is HAProxy's round robin among requests sent at once, not discoveryd's doing.)
            let answers = try await longRequests.value
            #expect(answers.count == 3)
            #expect(answers.allSatisfy(members.contains), "every long request was answered by an instance: \(answers)")
            #expect(answers.contains(leaving.name), "the leaving instance's long request completed: \(answers)")
            #expect(
                env.discoveryd.log.contains("\(slot): \(slot) \(leavingEndpoint) weight 100 -> "
                    + "\(slot) \(leavingEndpoint) weight 100 drain, instance id \(leaving.name) left"),
                "the slot went to drain, not straight to maintenance, and the line names the instance"
            )

            // When the drain ends the slot is free: maintenance, placeholder address.
            var freed: RuntimeServerState?
            let until = ContinuousClock.now + .seconds(20)
            while ContinuousClock.now < until {
                if let server = try await env.haproxy.servers(backend: Self.backend)[slot], server.isInMaintenance {
                    freed = server
                    break
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            let server = try #require(freed, "the drained slot was never freed")
            let freedAfter = drainStarted.duration(to: .now)
            print("discoveryd freed a drained slot \(freedAfter) after the instance left (drain_seconds 2, interval 30 s)")
            #expect(freedAfter < .seconds(15), "freed when the drain ended, not at the next interval")
            #expect(server.address == "127.0.0.1" && server.port == 80)
            #expect(try await env.probe.responders(12) == Set(remaining))
        }
    }

    /// Twenty edits, each timed from the file write to the first moment real traffic shows it.
    @Test func propagationOverTwentyEdits() async throws {
        try await E2EEnvironment.withRunning { env in
            let base = (1...10).map(E2EEnvironment.name)
            _ = try await env.edit(base)
            var durations: [Duration] = []
            for round in 0..<20 {
                let members = round.isMultiple(of: 2) ? base + [E2EEnvironment.name(11)] : base
                durations.append(try await env.edit(members))
            }
            let sorted = durations.sorted()
            let milliseconds = { (duration: Duration) in
                Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
            }
            print(
                "discoveryd propagation (fixture edit -> traffic) over 20 edits: min \(milliseconds(sorted[0])) ms, "
                    + "median \(milliseconds(sorted[9] + (sorted[10] - sorted[9]) / 2)) ms, "
                    + "max \(milliseconds(sorted[19])) ms"
            )
            #expect(sorted[19] <= Self.propagationLimit)
        }
    }
}

/// Twelve HTTP servers, a real HAProxy with ten slots, and discoveryd on a fixture the test edits.
final class E2EEnvironment: @unchecked Sendable {
    let lab: RealHAProxyLab
    let discoveryd: DiscoverydProcess
    /// Instances whose address is now another server's (instance name → server name).
    var moved: [String: String] = [:]

    var haproxy: HAProxyProcess { lab.haproxy }
    var probe: TrafficProbe { lab.probe }

    static func name(_ number: Int) -> String { String(format: "web-%02d", number) }

    private init(lab: RealHAProxyLab, discoveryd: DiscoverydProcess) {
        self.lab = lab
        self.discoveryd = discoveryd
    }

    /// - Parameters:
    ///   - drainSeconds: `haproxy.drain_seconds`.
    ///   - intervalSeconds: `polling.interval_seconds`.
    static func withRunning(
        drainSeconds: Double = 0,
        intervalSeconds: Int = 5,
        _ body: (E2EEnvironment) async throws -> Void
    ) async throws {
        try await withRealHAProxy(
            backends: [.init(DiscoverydEndToEndTests.backend, slots: 10)],
            servers: (1...12).map { (name: name($0), host: "127.0.0.\(10 + $0)") },
            runtimeSocket: .unix
        ) { lab in
            // discoveryd starts on an empty fleet; the first edit fills it.
            try "instances: []\n".write(
                to: lab.directory.appendingPathComponent("instances.yaml"),
                atomically: true,
                encoding: .utf8
            )
            let daemonConfiguration = StaticFleet.configuration(
                runtimeSocket: lab.runtimeSocket,
                haproxy: ["drain_seconds: \(drainSeconds)"],
                sections: [
                    "polling:", "  interval_seconds: \(intervalSeconds)", "  jitter_seconds: 0",
                    "  backoff_base_seconds: 1", "  max_backoff_seconds: 5", "logging:", "  level: debug",
                ]
            )
            try await DiscoverydProcess.withRunning(configuration: daemonConfiguration, in: lab.directory) { discoveryd in
                let environment = E2EEnvironment(lab: lab, discoveryd: discoveryd)
                do {
                    try await body(environment)
                } catch {
                    Issue.record("discoveryd log:\n\(discoveryd.log.suffix(4000))")
                    throw error
                }
            }
        }
    }

    func server(_ name: String) throws -> NameHTTPServer { try lab.server(name) }

    func endpoint(of serverName: String) throws -> String { try lab.endpoint(of: serverName) }

    /// The servers that should answer when `members` are the fixture's instances.
    func expectedResponders(_ members: [String]) -> Set<String> {
        Set(members.map { moved[$0] ?? $0 })
    }

    func fixture(_ members: [String]) throws -> String {
        try StaticFleet(
            members.map { member in
                let server = try lab.server(moved[member] ?? member)
                return (member, server.host, server.port)
            }
        ).yaml
    }

    func writeFixture(_ text: String) throws {
        try text.write(to: lab.directory.appendingPathComponent("instances.yaml"), atomically: true, encoding: .utf8)
    }

    /// Writes the fixture with `members` and returns how long until traffic reached exactly them.
    func edit(_ members: [String]) async throws -> Duration {
        try writeFixture(try fixture(members))
        let expected = expectedResponders(members)
        guard
            let elapsed = try await probe.waitForResponders(
                expected,
                count: 2 * expected.count + 2,
                timeout: .seconds(15)
            )
        else {
            throw HarnessError(
                "traffic never reached exactly \(expected.sorted()); discoveryd log:\n\(discoveryd.log.suffix(3000))"
            )
        }
        return elapsed
    }
}
