import DiscoverydTesting
import Foundation

/// Runs the built `discoveryd` executable as a user would, capturing exit status and both streams.
struct DiscoverydBinary {
    typealias Result = DiscoverydExecutable.Result

    let url: URL

    /// See ``DiscoverydExecutable/locate()``.
    static func locate() -> DiscoverydBinary? {
        DiscoverydExecutable.locate().map { DiscoverydBinary(url: $0.url) }
    }

    /// Runs to completion with `arguments` in the repository root, without blocking a concurrency thread (a test
    /// that blocks one starves every other test of the run on a 2-core machine).
    func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> Result {
        try await DiscoverydExecutable(url: url).run(arguments, environment: environment, currentDirectory: RepositoryPaths.root)
    }

    /// Starts the binary without waiting; nothing is read from the caller's environment except PATH,
    /// so results do not depend on who runs the tests.
    func start(_ arguments: [String], environment: [String: String] = [:]) throws -> Running {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("discoveryd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        let process = DiscoverydExecutable(url: url)
            .process(arguments, environment: environment, currentDirectory: RepositoryPaths.root)
        try process.writeOutput(into: output)
        try process.run()
        return Running(process: process, directory: output)
    }

    /// A started `discoveryd`; its output goes to files in a temporary directory removed by ``wait()``.
    struct Running {
        let process: Process
        let directory: URL
        var stdoutURL: URL { directory.appendingPathComponent("stdout") }
        var stderrURL: URL { directory.appendingPathComponent("stderr") }

        var stderrSoFar: String {
            (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? ""
        }

        func signal(_ signal: Int32) {
            kill(process.processIdentifier, signal)
        }

        /// Polls stderr until it contains `text` or the process exits; `false` after `attempts` polls.
        /// Only for a child process, whose progress no test clock can drive.
        func waitForStderr(containing text: String, attempts: Int = 200) async throws -> Bool {
            for _ in 0..<attempts {
                if stderrSoFar.contains(text) { return true }
                if !process.isRunning { return stderrSoFar.contains(text) }
                try await Task.sleep(for: .milliseconds(50))
            }
            return false
        }

        /// Waits for the exit by polling, so that no concurrency thread is blocked meanwhile.
        func wait() async throws -> Result {
            while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
            defer { try? FileManager.default.removeItem(at: directory) }
            return Result(
                status: process.terminationStatus,
                stdout: try String(contentsOf: stdoutURL, encoding: .utf8),
                stderr: try String(contentsOf: stderrURL, encoding: .utf8)
            )
        }
    }
}
