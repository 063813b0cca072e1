import Foundation

/// The processes tests start (HAProxy, the discoveryd daemon), recorded so that none outlives a crashed test.
///
/// The `with…` helpers stop what they start whatever the test does, but a test that crashes (a failed force
/// unwrap, a trap) ends the whole test process and runs no clean-up. So each started process is recorded in
/// its test directory (`/tmp/dd-e2e-*/processes`: the test process's pid and the child's), and the first lab
/// of the next run stops the children of test processes that are gone, then removes their directories.
public enum LeftoverProcesses {
    private static let file = "processes"

    /// Records `pid`, started by this test process for the test directory `directory`.
    public static func record(_ pid: Int32, in directory: URL) {
        let line = Data("\(getpid()) \(pid)\n".utf8)
        let url = directory.appendingPathComponent(file)
        if let handle = try? FileHandle(forWritingTo: url) {
            defer { try? handle.close() }
            _ = try? handle.seekToEnd()
            try? handle.write(contentsOf: line)
        } else {
            try? line.write(to: url)
        }
    }

    /// Stops what crashed test processes left behind; the first call of a test process does the work.
    public static func stopOnce() { _ = stopped }

    private static let stopped: Void = {
        let temporary = URL(fileURLWithPath: "/tmp")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: temporary.path)) ?? []
        for name in names where name.hasPrefix("dd-e2e-") {
            let directory = temporary.appendingPathComponent(name)
            guard let text = try? String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8) else {
                continue
            }
            var orphaned = true
            for line in text.split(separator: "\n") {
                let pids = line.split(separator: " ").compactMap { Int32($0) }
                guard pids.count == 2 else { continue }
                if isAlive(pids[0]) {
                    orphaned = false  // its test process still runs (another `swift test`): not ours to stop
                } else if commandLine(of: pids[1]).contains(directory.path) {
                    // Only a process started on this directory's files: a pid may have been reused since.
                    kill(pids[1], SIGKILL)
                }
            }
            if orphaned { try? FileManager.default.removeItem(at: directory) }
        }
    }()

    private static func isAlive(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }

    private static func commandLine(of pid: Int32) -> String {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return "" }
        return String(decoding: data.map { $0 == 0 ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
    }
}
