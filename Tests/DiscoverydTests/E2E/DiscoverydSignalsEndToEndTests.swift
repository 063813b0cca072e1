#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import DiscoverydTesting
import Foundation
import HAProxySink
import HAProxyTesting
import Testing

/// The daemon binary in loop mode against a real HAProxy: SIGHUP repairs a hand-made change at once (the
/// polling interval is five minutes), SIGINT ends it cleanly. Asserted on HAProxy's state and the exit
/// status, never on log wording.
extension DiscoverydEndToEndTests {
    @Test func sighupRepairsAHandMadeChangeAtOnceAndSIGINTExitsZeroLeavingTheServersUp() async throws {
        let binary = try #require(DiscoverydBinary.locate(), "the discoveryd executable was not built")
        try await Self.withPlanSetup { haproxy, _, directory, config in
            try StaticFleet([("web-1", "127.0.0.81", 8080), ("web-2", "127.0.0.82", 8080), ("web-3", "127.0.0.83", 8080)])
                .write(to: directory.appendingPathComponent("instances.yaml"))
            let daemonConfig = directory.appendingPathComponent("daemon.yaml")
            try (String(contentsOf: config, encoding: .utf8)
                + "\npolling:\n  interval_seconds: 300\n  jitter_seconds: 0\nmetrics:\n  listen: \"\"\n")
                .write(to: daemonConfig, atomically: true, encoding: .utf8)
            let expected = ["srv1": "127.0.0.81:8080", "srv2": "127.0.0.82:8080", "srv3": "127.0.0.83:8080"]

            let running = try binary.start(["-c", daemonConfig.path])
            defer { if running.process.isRunning { running.signal(SIGKILL) } }
            let started = try await Self.poll(within: .seconds(30)) {
                try await haproxy.activeSlots(backend: Self.planBackend) == expected
            }
            #expect(started != nil, "the first cycle did not fill the slots: \(running.stderrSoFar.suffix(2000))")

            // An operator's hand: srv2 into maintenance, srv1 pointed elsewhere.
            try await haproxy.send("set server \(Self.planBackend)/srv2 state maint")
            try await haproxy.send("set server \(Self.planBackend)/srv1 addr 127.0.0.99 port 9999")
            #expect(try await haproxy.activeSlots(backend: Self.planBackend) == ["srv1": "127.0.0.99:9999", "srv3": "127.0.0.83:8080"])

            // Nothing repairs it on its own: the next cycle is five minutes away.
            try await Task.sleep(for: .seconds(1))
            #expect(try await haproxy.activeSlots(backend: Self.planBackend)["srv1"] == "127.0.0.99:9999")

            running.signal(SIGHUP)
            let repaired = try await Self.poll(within: .seconds(15)) {
                try await haproxy.activeSlots(backend: Self.planBackend) == expected
            }
            let repairedWithin = try #require(repaired, "SIGHUP did not repair HAProxy (the interval is 300 s)")
            print("discoveryd repaired a hand-made change \(repairedWithin) after SIGHUP (polling interval 300 s)")
            #expect(running.process.isRunning, "SIGHUP does not stop the daemon")

            let signalled = ContinuousClock.now
            running.signal(SIGINT)
            let exited = try await Self.poll(within: .seconds(15)) { !running.process.isRunning }
            #expect(exited != nil, "SIGINT did not end the daemon within 15 s")
            let result = try await running.wait()
            #expect(result.status == 0, "a clean stop exits 0: \(result.stderr.suffix(2000))")
            #expect(ContinuousClock.now - signalled < .seconds(15))
            #expect(try await haproxy.activeSlots(backend: Self.planBackend) == expected, "stopping drains nothing")
        }
    }

    /// Polls `condition` every 50 ms until it holds; how long that took, or nil after `timeout`.
    static func poll(within timeout: Duration, _ condition: () async throws -> Bool) async throws -> Duration? {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < timeout {
            if (try? await condition()) == true { return ContinuousClock.now - start }
            try await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }
}
