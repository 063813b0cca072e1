import DiscoverydTesting
import Foundation
import HAProxyTesting

/// The real `discoveryd` binary, run by a test as a subprocess with a generated configuration.
///
/// Always used through ``withRunning(configuration:in:_:)``, which stops it whatever happens.
final class DiscoverydProcess: @unchecked Sendable {
    static let binary: URL? = DiscoverydExecutable.locate()?.url

    let logFile: URL
    private let process: Process

    private init(process: Process, logFile: URL) {
        self.process = process
        self.logFile = logFile
    }

    /// Writes `configuration` to `directory/config.yaml`, starts `discoveryd -c` on it, runs `body`, stops it.
    static func withRunning<Result: Sendable>(
        configuration: String,
        in directory: URL,
        _ body: (DiscoverydProcess) async throws -> Result
    ) async throws -> Result {
        guard let binary else {
            throw HarnessError(
                "no discoveryd binary next to the test bundle (\(CommandLine.arguments[0])); run `swift build` "
                    + "first or set DISCOVERYD_BINARY"
            )
        }
        let configurationFile = directory.appendingPathComponent("config.yaml")
        try configuration.write(to: configurationFile, atomically: true, encoding: .utf8)
        let logFile = directory.appendingPathComponent("discoveryd.log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let log = try FileHandle(forWritingTo: logFile)
        // The daemon inherits the test's environment, as it would the operator's shell.
        let process = DiscoverydExecutable(url: binary)
            .process(["-c", configurationFile.path], environment: ProcessInfo.processInfo.environment)
        process.standardOutput = log
        process.standardError = log
        try process.run()
        LeftoverProcesses.record(process.processIdentifier, in: directory)
        let discoveryd = DiscoverydProcess(process: process, logFile: logFile)
        do {
            let result = try await body(discoveryd)
            discoveryd.stop()
            return result
        } catch {
            discoveryd.stop()
            throw error
        }
    }

    var isRunning: Bool { process.isRunning }

    var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "(no log)" }

    /// SIGTERM, then SIGKILL after 5 s; waits for the exit.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
