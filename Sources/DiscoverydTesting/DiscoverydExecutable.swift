import Foundation

/// The built `discoveryd` executable, for tests that run it as a user would.
///
/// Test support only, shared by the test targets that start the binary; unlike `ProviderKitTesting` it knows
/// about this product.
public struct DiscoverydExecutable: Sendable {
    /// How a finished run ended.
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String

        public init(status: Int32, stdout: String, stderr: String) {
            self.status = status
            self.stdout = stdout
            self.stderr = stderr
        }
    }

    public let url: URL

    public init(url: URL) {
        self.url = url
    }

    /// The repository root: this file is `Sources/DiscoverydTesting/DiscoverydExecutable.swift`.
    public static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `DISCOVERYD_BINARY` if set; else the `discoveryd` SwiftPM built next to the test bundle or test runner
    /// (`swift build --build-tests` builds every executable); else the repository's `.build/debug`.
    public static func locate() -> DiscoverydExecutable? {
        if let path = ProcessInfo.processInfo.environment["DISCOVERYD_BINARY"] {
            return DiscoverydExecutable(url: URL(fileURLWithPath: path))
        }
        var candidates: [URL] = []
        for bundle in Bundle.allBundles + [Bundle.main] {
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("discoveryd"))
        }
        if let executable = Bundle.main.executableURL {
            candidates.append(executable.deletingLastPathComponent().appendingPathComponent("discoveryd"))
        }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(directory.appendingPathComponent("discoveryd"))
            directory.deleteLastPathComponent()
        }
        candidates.append(repositoryRoot.appendingPathComponent(".build/debug/discoveryd"))
        return candidates.first(where: isExecutableFile).map(DiscoverydExecutable.init(url:))
    }

    /// A process for `arguments` that sees only `environment` plus `PATH`, so results do not depend on who
    /// runs the tests, and reads nothing from stdin. The caller sets its output and runs it.
    public func process(_ arguments: [String], environment: [String: String] = [:], currentDirectory: URL? = nil)
        -> Process
    {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        var environment = environment
        environment["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        return process
    }

    /// Runs to completion and captures both streams; see ``Foundation/Process/runToCompletion()``.
    public func run(
        _ arguments: [String],
        environment: [String: String] = [:],
        currentDirectory: URL? = nil
    ) async throws -> Result {
        try await process(arguments, environment: environment, currentDirectory: currentDirectory).runToCompletion()
    }

    private static func isExecutableFile(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && !isDirectory.boolValue
            && FileManager.default.isExecutableFile(atPath: url.path)
    }
}
