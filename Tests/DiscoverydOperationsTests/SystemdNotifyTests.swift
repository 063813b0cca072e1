import DiscoverydOperations
import Logging
import ProviderKit
import Testing

@Suite("systemd notifications")
struct SystemdNotifyTests {
    let logger = Logger(label: "test")

    @Test("READY=1 once, after the first cycle that applied; WATCHDOG=1 after every cycle when WatchdogSec is set")
    func readyAfterFirstSuccessfulCycle() throws {
        let socket = try FakeNotifySocket()
        let notifier = try #require(
            SystemdNotifier(environment: ["NOTIFY_SOCKET": socket.address, "WATCHDOG_USEC": "30000000"])
        )
        #expect(notifier.watchdogInterval == .seconds(30))
        let observer = SystemdNotifyObserver(notifier: notifier, logger: logger)

        observer.loopDidFinishCycle(Reports.waitingForProviders(cycle: 1), status: Reports.status(failures: 1))
        let waiting = socket.drain()
        #expect(waiting.count == 1)
        #expect(!waiting.joined().contains("READY=1"))
        #expect(waiting.joined().contains("WATCHDOG=1"))
        #expect(waiting.joined().contains { $0.hasPrefix("STATUS=") && $0.contains("waiting for every provider") })

        observer.loopDidFinishCycle(Reports.applied(cycle: 2), status: Reports.status(failures: 0))
        let first = socket.drain().joined()
        #expect(first.contains("READY=1"))
        #expect(first.contains("WATCHDOG=1"))

        observer.loopDidFinishCycle(Reports.applied(cycle: 3), status: Reports.status(failures: 0))
        let second = socket.drain().joined()
        #expect(!second.contains("READY=1"))
        #expect(second.contains("WATCHDOG=1"))
    }

    @Test("A cycle whose sink failed does not make the daemon ready")
    func sinkFailureIsNotReady() throws {
        let socket = try FakeNotifySocket()
        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": socket.address]))
        let observer = SystemdNotifyObserver(notifier: notifier, logger: logger)
        observer.loopDidFinishCycle(Reports.sinkFailed(cycle: 1), status: Reports.status(failures: 1))
        let sent = socket.drain().joined()
        #expect(!sent.contains("READY=1"))
        #expect(!sent.contains("WATCHDOG=1"), "no WATCHDOG_USEC, no watchdog")
        #expect(sent.contains { $0.hasPrefix("STATUS=") && $0.contains("applying to HAProxy failed") })
    }

    @Test("The abstract namespace (@name) is reached too")
    func abstractNamespace() throws {
        let socket = try FakeNotifySocket(abstract: true)
        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": socket.address]))
        try notifier.notify(["STATUS=hello"])
        #expect(socket.drain() == [["STATUS=hello"]])
    }

    @Test("Without NOTIFY_SOCKET there is no notifier; a watchdog meant for another process is ignored")
    func environment() {
        #expect(SystemdNotifier(environment: [:]) == nil)
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": ""]) == nil)
        let other = SystemdNotifier(
            environment: ["NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "1000", "WATCHDOG_PID": "1"],
            processID: 4242
        )
        #expect(other?.watchdogInterval == nil)
        let mine = SystemdNotifier(
            environment: ["NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "1000", "WATCHDOG_PID": "4242"],
            processID: 4242
        )
        #expect(mine?.watchdogInterval == .milliseconds(1))
    }

    @Test("A notify socket that is gone fails with a sentence naming it")
    func missingSocket() throws {
        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": "/nonexistent/notify.sock"]))
        #expect {
            try notifier.notify(["READY=1"])
        } throws: { error in
            "\(error)".contains("could not notify systemd at /nonexistent/notify.sock")
        }
    }
}
