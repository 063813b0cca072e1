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

    /// Runs with `arguments` in the repository root; nothing else is read from the caller's environment
    /// except PATH, so results do not depend on who runs the tests.
    func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("discoveryd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: output) }
        let stdoutURL = output.appendingPathComponent("stdout")
        let stderrURL = output.appendingPathComponent("stderr")
        try Data().write(to: stdoutURL)
        try Data().write(to: stderrURL)

        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        process.currentDirectoryURL = RepositoryPaths.root
        var environment = environment
        environment["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        try process.run()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            stdout: try String(contentsOf: stdoutURL, encoding: .utf8),
            stderr: try String(contentsOf: stderrURL, encoding: .utf8)
        )
    }
}
