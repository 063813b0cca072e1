#if canImport(Glibc)
import Foundation
import Glibc

/// Kernel change notifications (inotify) for the directories a watched file lives in, delivered as wake-ups.
///
/// inotify watches the *directory*, not the file: editors and `mv` replace the file with a new inode, and
/// Kubernetes swaps a ConfigMap by renaming a symlink, and a watch on the old inode would see neither. The
/// directory of the configured path and the directory its symlinks finally lead to are both watched, and
/// ``rewatch()`` follows the target when a symlink swap moves it.
///
/// Only events that end a write are asked for (close after writing, renames, creations, deletions), never
/// `IN_MODIFY`: reacting in the middle of a write would read a half-written file.
///
/// One thread per watch blocks in `poll(2)` on the inotify descriptor and a stop pipe, with the
/// polling interval as its timeout, so the safety-net poll and the events share one wait. Each return from
/// `poll(2)` is one element of ``wakeUps``; any events read in one go collapse into it.
final class DirectoryEventWatch: Sendable {
    /// One element per batch of events or per elapsed safety-net interval; finishes after ``stop()``.
    let wakeUps: AsyncStream<Void>

    private let path: String
    private let descriptors: Descriptors

    /// Starts watching the directories of `path`; `nil` when the kernel refuses (no inotify, or the per-user
    /// limit on inotify instances or watches is reached) and the caller must fall back to polling alone.
    init?(path: String, safetyInterval: Duration) {
        let inotify = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
        guard inotify >= 0 else { return nil }
        var pipeEnds: [Int32] = [-1, -1]
        guard pipe(&pipeEnds) == 0 else {
            close(inotify)
            return nil
        }
        for end in pipeEnds { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        let descriptors = Descriptors(inotify: inotify, stopSignal: pipeEnds[0], stopTrigger: pipeEnds[1])
        guard Self.addWatches(inotify: inotify, for: path) else { return nil }
        self.path = path
        self.descriptors = descriptors
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        self.wakeUps = stream
        let timeout = Self.milliseconds(safetyInterval)
        // The consumer going away (its task cancelled) stops the thread too.
        continuation.onTermination = { _ in descriptors.signalStop() }
        Thread.detachNewThread {
            Self.run(descriptors, timeout: timeout, continuation: continuation)
        }
    }

    /// Ends the watch: the thread wakes and finishes ``wakeUps``.
    func stop() {
        descriptors.signalStop()
    }

    /// Watches the directory the file now resolves to as well, after a symlink swap may have moved it. A
    /// directory already watched keeps its watch; a removed one drops out on its own.
    func rewatch() {
        _ = Self.addWatches(inotify: descriptors.inotify, for: path)
    }

    /// The two descriptors, closed when neither the watch nor its thread needs them any more, so a late
    /// ``stop()`` never writes to a descriptor number the process has since reused.
    private final class Descriptors: Sendable {
        let inotify: Int32
        /// The read end of a pipe the thread polls; a byte written to `stopTrigger` ends it.
        let stopSignal: Int32
        let stopTrigger: Int32

        init(inotify: Int32, stopSignal: Int32, stopTrigger: Int32) {
            self.inotify = inotify
            self.stopSignal = stopSignal
            self.stopTrigger = stopTrigger
        }

        func signalStop() {
            var byte: UInt8 = 1
            _ = write(stopTrigger, &byte, 1)
        }

        deinit {
            close(inotify)
            close(stopSignal)
            close(stopTrigger)
        }
    }

    private static let mask = UInt32(
        IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF
            | IN_ATTRIB
    )

    /// Adds a watch on the directory of `path` and on that of its resolved target; true if the first one holds.
    private static func addWatches(inotify: Int32, for path: String) -> Bool {
        let directory = (path as NSString).deletingLastPathComponent
        let configured = inotify_add_watch(inotify, directory.isEmpty ? "." : directory, mask)
        if let resolved = realpath(path, nil) {
            let target = (String(cString: resolved) as NSString).deletingLastPathComponent
            free(resolved)
            _ = inotify_add_watch(inotify, target, mask)
        }
        return configured >= 0
    }

    private static func run(
        _ owned: Descriptors,
        timeout: Int32,
        continuation: AsyncStream<Void>.Continuation
    ) {
        defer { continuation.finish() }
        let inotify = owned.inotify
        var descriptors = [
            pollfd(fd: inotify, events: Int16(POLLIN), revents: 0),
            pollfd(fd: owned.stopSignal, events: Int16(POLLIN), revents: 0),
        ]
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let ready = poll(&descriptors, nfds_t(descriptors.count), timeout)
            if ready < 0 {
                if errno == EINTR { continue }
                return
            }
            if descriptors[1].revents != 0 { return }
            if descriptors[0].revents != 0 {
                // Drain every queued event; which file they name does not matter, the poll that follows
                // compares the file's stamp and content.
                while buffer.withUnsafeMutableBytes({ read(inotify, $0.baseAddress, $0.count) }) > 0 {}
            }
            continuation.yield()
        }
    }

    private static func milliseconds(_ duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        let total = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return Int32(clamping: max(1, total))
    }
}
#endif
