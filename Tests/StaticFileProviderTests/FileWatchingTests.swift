import Foundation
import Logging
import ProviderKit
import Synchronization
import Testing

@testable import StaticFileProvider

private let fleetV1 = """
    instances:
      - {id: web-1, address: 10.0.0.1, region: eastus, tags: {HAProxy:Service:Name: web, HAProxy:Service:Port: 80}}
      - {id: web-2, address: 10.0.0.2, region: eastus, tags: {HAProxy:Service:Name: web, HAProxy:Service:Port: 80}}

    """

private let fleetV2 = """
    instances:
      - {id: web-1, address: 10.0.0.1, region: eastus, tags: {HAProxy:Service:Name: web, HAProxy:Service:Port: 80}}
      - {id: web-2, address: 10.0.0.2, region: eastus, tags: {HAProxy:Service:Name: web, HAProxy:Service:Port: 80}}
      - {id: web-3, address: 10.0.0.3, region: eastus, tags: {HAProxy:Service:Name: web, HAProxy:Service:Port: 80}}

    """

private let brokenFleet = """
    instances:
      - {id: web-1, adress: 10.0.0.1, region: eastus}

    """

/// Tests assert on behaviour, not on log lines; keep the output readable.
private let quietLogger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

/// One poll at a time, no clock: what the watcher decides for each kind of edit.
@Suite("Change detection")
struct ChangeDetectionTests {
    @Test("An edit is a change; polling again without an edit is not")
    func inPlaceEdit() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(fleetV1, to: "fleet.yaml")
        var poller = primedPoller(path)

        try directory.write(fleetV2, to: "fleet.yaml")
        #expect(poller.poll() == .changed)
        #expect(poller.poll() == .unchanged)
    }

    @Test("Rewriting the same bytes is not a change")
    func rewriteSameContent() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(fleetV1, to: "fleet.yaml")
        var poller = primedPoller(path)

        try directory.replaceAtomically("fleet.yaml", with: fleetV1)
        #expect(poller.poll() == .touched)
    }

    @Test("An atomic rename-replace is a change")
    func renameReplace() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(fleetV1, to: "fleet.yaml")
        var poller = primedPoller(path)

        // Same size as v1, so only the new inode (and mtime) can tell.
        try directory.replaceAtomically("fleet.yaml", with: fleetV1.replacingOccurrences(of: "10.0.0.2", with: "10.0.0.9"))
        #expect(poller.poll() == .changed)
    }

    @Test("Retargeting a symlink is a change")
    func symlinkRetarget() throws {
        let directory = try TemporaryDirectory()
        let v1 = try directory.write(fleetV1, to: "v1.yaml")
        let v2 = try directory.write(fleetV2, to: "v2.yaml")
        try directory.pointSymlink("fleet.yaml", at: v1)
        var poller = primedPoller(directory.file("fleet.yaml"))

        try directory.pointSymlink("fleet.yaml", at: v2)
        #expect(poller.poll() == .changed)
    }

    @Test("The file disappearing is a change, and so is it coming back")
    func removedAndRestored() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(fleetV1, to: "fleet.yaml")
        var poller = primedPoller(path)

        try FileManager.default.removeItem(atPath: path)
        #expect(poller.poll() == .changed)
        #expect(poller.poll() == .unchanged)
        try directory.write(fleetV1, to: "fleet.yaml")
        #expect(poller.poll() == .changed)
    }

    @Test("A change made before the watcher starts is still announced")
    func changeBeforeWatcherStarts() async throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(fleetV1, to: "fleet.yaml")
        let lastSeen = LastSeenContent()
        lastSeen.record(.bytes(Data(fleetV1.utf8)))  // what the loop's first fetch served

        try directory.write(fleetV2, to: "fleet.yaml")
        var poller = FileChangePoller(path: path, lastSeen: lastSeen)
        #expect(poller.poll() == .changed)
    }

    private func primedPoller(_ path: String) -> FileChangePoller {
        let lastSeen = LastSeenContent()
        lastSeen.record(ObservedContent.read(atPath: path))
        var poller = FileChangePoller(path: path, lastSeen: lastSeen)
        _ = poller.poll()
        return poller
    }
}

/// The provider end to end on real files, with a short poll interval and bounded waits.
@Suite("Live reload", .timeLimit(.minutes(1)))
struct LiveReloadTests {
    @Test("Editing the file fires the callback and the next fetch returns the new set")
    func editReloads() async throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(fleetV1, to: "fleet.yaml")
        let provider = StaticFileProvider(path: path, pollInterval: .milliseconds(10), logger: quietLogger)
        #expect(try await provider.fetchInstances().map(\.id) == ["web-1", "web-2"])

        try await withWatcher(provider) { changes in
            try directory.write(fleetV2, to: "fleet.yaml")
            try await changes.next()
            #expect(try await provider.fetchInstances().map(\.id) == ["web-1", "web-2", "web-3"])
        }
    }

    @Test("A broken edit makes fetch throw; fixing it makes fetch succeed again")
    func brokenEditThenFix() async throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(fleetV1, to: "fleet.yaml")
        let provider = StaticFileProvider(path: path, pollInterval: .milliseconds(10), logger: quietLogger)
        _ = try await provider.fetchInstances()

        try await withWatcher(provider) { changes in
            try directory.write(brokenFleet, to: "fleet.yaml")
            try await changes.next()
            let error = await #expect(throws: StaticFileError.self) { try await provider.fetchInstances() }
            #expect(error?.code == .unknownKey)
            #expect(error?.description.hasPrefix("\(path):2: instances[0] (id \"web-1\"): unknown key \"adress\"") == true)

            try directory.write(fleetV2, to: "fleet.yaml")
            try await changes.next()
            #expect(try await provider.fetchInstances().count == 3)
        }
    }

    @Test("An atomic save (write a temp file, rename it over) is picked up")
    func atomicSave() async throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(fleetV1, to: "fleet.yaml")
        let provider = StaticFileProvider(path: path, pollInterval: .milliseconds(10), logger: quietLogger)
        _ = try await provider.fetchInstances()

        try await withWatcher(provider) { changes in
            try directory.replaceAtomically("fleet.yaml", with: fleetV2)
            try await changes.next()
            #expect(try await provider.fetchInstances().count == 3)
        }
    }

    @Test("A ConfigMap-style symlink swap is picked up")
    func symlinkSwap() async throws {
        let directory = try TemporaryDirectory()
        let v1 = try directory.write(fleetV1, to: "v1.yaml")
        let v2 = try directory.write(fleetV2, to: "v2.yaml")
        try directory.pointSymlink("fleet.yaml", at: v1)
        let provider = StaticFileProvider(
            path: directory.file("fleet.yaml"), pollInterval: .milliseconds(10), logger: quietLogger)
        #expect(try await provider.fetchInstances().count == 2)

        try await withWatcher(provider) { changes in
            try directory.pointSymlink("fleet.yaml", at: v2)
            try await changes.next()
            #expect(try await provider.fetchInstances().count == 3)
        }
    }

    @Test("The watcher waits the poll interval between polls and returns when cancelled")
    func pollsAtIntervalAndStopsOnCancel() async throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(fleetV1, to: "fleet.yaml")
        let waits = Mutex<[Duration]>([])
        let provider = StaticFileProvider(path: path, pollInterval: .seconds(7), logger: quietLogger) {
            interval in
            let count = waits.withLock { waits in
                waits.append(interval)
                return waits.count
            }
            if count == 3 { throw CancellationError() }
        }
        try await provider.watchForChanges {}
        #expect(waits.withLock { $0 } == [.seconds(7), .seconds(7), .seconds(7)])
    }
}

#if os(Linux)
/// The watcher on inotify alone: the safety-net poll is an hour away, so only a kernel notification can deliver
/// these callbacks within the tests' bounded waits.
@Suite("Kernel change notifications", .timeLimit(.minutes(1)))
struct KernelNotificationTests {
    private func provider(_ path: String) -> StaticFileProvider {
        StaticFileProvider(path: path, pollInterval: .seconds(3600), logger: quietLogger)
    }

    @Test("An in-place edit is announced without waiting for a poll")
    func inPlaceEdit() async throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(fleetV1, to: "fleet.yaml")
        let provider = provider(path)
        _ = try await provider.fetchInstances()

        try await withWatcher(provider) { changes in
            try directory.write(fleetV2, to: "fleet.yaml")
            try await changes.next()
            #expect(try await provider.fetchInstances().count == 3)
        }
    }

    @Test("An atomic save (rename over the file) is announced")
    func atomicSave() async throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(fleetV1, to: "fleet.yaml")
        let provider = provider(path)
        _ = try await provider.fetchInstances()

        try await withWatcher(provider) { changes in
            try directory.replaceAtomically("fleet.yaml", with: fleetV2)
            try await changes.next()
            #expect(try await provider.fetchInstances().count == 3)
            // The watch is on the directory, so the new file's later edits are seen as well.
            try directory.replaceAtomically("fleet.yaml", with: fleetV1)
            try await changes.next()
            #expect(try await provider.fetchInstances().count == 2)
        }
    }

    @Test("A ConfigMap-style symlink swap to another directory is announced, and so are edits there")
    func symlinkSwap() async throws {
        let directory = try TemporaryDirectory()
        let targets = try TemporaryDirectory()
        let v1 = try targets.write(fleetV1, to: "v1.yaml")
        let v2 = try targets.write(fleetV2, to: "v2.yaml")
        try directory.pointSymlink("fleet.yaml", at: v1)
        let provider = provider(directory.file("fleet.yaml"))
        _ = try await provider.fetchInstances()

        try await withWatcher(provider) { changes in
            try directory.pointSymlink("fleet.yaml", at: v2)
            try await changes.next()
            #expect(try await provider.fetchInstances().count == 3)
            // An edit of the target, in a directory other than the link's.
            try targets.write(fleetV1, to: "v2.yaml")
            try await changes.next()
            #expect(try await provider.fetchInstances().count == 2)
        }
    }

    @Test("Rewriting the same bytes is not announced; the next real edit is")
    func sameBytesThenEdit() async throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(fleetV1, to: "fleet.yaml")
        let provider = provider(path)
        _ = try await provider.fetchInstances()

        try await withWatcher(provider) { changes in
            try directory.replaceAtomically("fleet.yaml", with: fleetV1)
            try directory.write(fleetV2, to: "fleet.yaml")
            try await changes.next()
            #expect(changes.count == 1)
        }
    }

    @Test("The file removed and written again is announced both times")
    func removedAndRestored() async throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(fleetV1, to: "fleet.yaml")
        let provider = provider(path)
        _ = try await provider.fetchInstances()

        try await withWatcher(provider) { changes in
            try FileManager.default.removeItem(atPath: path)
            try await changes.next()
            await #expect(throws: StaticFileError.self) { try await provider.fetchInstances() }
            try directory.write(fleetV2, to: "fleet.yaml")
            try await changes.next()
            #expect(try await provider.fetchInstances().count == 3)
        }
    }
}
#endif

/// Runs the provider's watcher while `body` edits the file and waits for its callbacks.
private func withWatcher(
    _ provider: StaticFileProvider,
    _ body: (ChangeCallbacks) async throws -> Void
) async throws {
    let changes = ChangeCallbacks()
    let watcher = Task { try await provider.watchForChanges { changes.record() } }
    do {
        try await body(changes)
    } catch {
        watcher.cancel()
        throw error
    }
    watcher.cancel()
    try await watcher.value
}

/// Counts watcher callbacks; `next()` waits, bounded, for one more than the last wait saw.
final class ChangeCallbacks: Sendable {
    struct TimedOut: Error, CustomStringConvertible {
        var expected: Int
        var description: String { "timed out waiting for change callback #\(expected)" }
    }

    private let state = Mutex((count: 0, awaited: 0))

    func record() {
        state.withLock { $0.count += 1 }
    }

    var count: Int { state.withLock { $0.count } }

    func next(within limit: Duration = .seconds(10)) async throws {
        let expected = state.withLock { state in
            state.awaited += 1
            return state.awaited
        }
        let deadline = ContinuousClock.now + limit
        while count < expected {
            guard ContinuousClock.now < deadline else { throw TimedOut(expected: expected) }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}
