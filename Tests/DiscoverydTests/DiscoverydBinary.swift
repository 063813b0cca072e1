import Foundation

/// Runs the built `discoveryd` executable as a user would, capturing exit status and both streams.
struct DiscoverydBinary {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    let url: URL

    /// The binary next to the test bundle (SwiftPM builds it first because the test target depends on
    /// it), else in the repository's `.build`.
    static func locate() -> DiscoverydBinary? {
        var candidates: [URL] = []
        for bundle in Bundle.allBundles + [Bundle.main] {
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("discoveryd"))
        }
        if let executable = Bundle.main.executableURL {
            candidates.append(executable.deletingLastPathComponent().appendingPathComponent("discoveryd"))
        }
        candidates.append(RepositoryPaths.root.appendingPathComponent(".build/debug/discoveryd"))
        let found = candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
        return found.map(DiscoverydBinary.init(url:))
    }

    /// Runs to completion with `arguments` in the repository root.
    func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        let running = try start(arguments, environment: environment)
        return try running.wait()
    }

    /// Starts the binary without waiting; nothing is read from the caller's environment except PATH,
    /// so results do not depend on who runs the tests.
    func start(_ arguments: [String], environment: [String: String] = [:]) throws -> Running {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("discoveryd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        let running = Running(process: Process(), directory: output)
        try Data().write(to: running.stdoutURL)
        try Data().write(to: running.stderrURL)

        let process = running.process
        process.executableURL = url
        process.arguments = arguments
        process.currentDirectoryURL = RepositoryPaths.root
        var environment = environment
        environment["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: running.stdoutURL)
        process.standardError = try FileHandle(forWritingTo: running.stderrURL)
        try process.run()
        return running
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

        func wait() throws -> Result {
            process.waitUntilExit()
            defer { try? FileManager.default.removeItem(at: directory) }
            return Result(
                status: process.terminationStatus,
                stdout: try String(contentsOf: stdoutURL, encoding: .utf8),
                stderr: try String(contentsOf: stderrURL, encoding: .utf8)
            )
        }
    }
}
