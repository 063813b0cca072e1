import Foundation
import HAProxySink

/// A real HAProxy started by a test, in the foreground (`-db`), with a generated configuration.
///
/// Always used through ``withRunning(configuration:in:_:)``, which stops it whatever happens, so a failed
/// test leaves no process behind.
public final class HAProxyProcess: @unchecked Sendable {
    /// The `haproxy` binary, or nil where HAProxy is not installed (the E2E tests then skip).
    public static let executable: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let candidates = path.split(separator: ":").map { "\($0)/haproxy" } + ["/usr/sbin/haproxy", "/usr/local/sbin/haproxy"]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    public static var isInstalled: Bool { executable != nil }

    public let configurationFile: URL
    public let runtimeEndpoint: RuntimeAPIEndpoint
    private let logFile: URL
    // Only touched from the test's task, one call at a time.
    private var process: Process?

    public var runtime: RuntimeAPIClient { RuntimeAPIClient(endpoint: runtimeEndpoint, timeout: .seconds(5)) }

    private init(configurationFile: URL, runtimeEndpoint: RuntimeAPIEndpoint, logFile: URL) {
        self.configurationFile = configurationFile
        self.runtimeEndpoint = runtimeEndpoint
        self.logFile = logFile
    }

    /// Writes `configuration` to `directory/haproxy.cfg`, starts HAProxy on it, runs `body`, stops HAProxy.
    public static func withRunning<Result: Sendable>(
        configuration: String,
        runtimeEndpoint: RuntimeAPIEndpoint,
        in directory: URL,
        _ body: (HAProxyProcess) async throws -> Result
    ) async throws -> Result {
        let file = directory.appendingPathComponent("haproxy.cfg")
        try configuration.write(to: file, atomically: true, encoding: .utf8)
        let haproxy = HAProxyProcess(
            configurationFile: file,
            runtimeEndpoint: runtimeEndpoint,
            logFile: directory.appendingPathComponent("haproxy.log")
        )
        do {
            try await haproxy.start()
            let result = try await body(haproxy)
            haproxy.stop()
            return result
        } catch {
            haproxy.stop()
            throw error
        }
    }

    /// Starts HAProxy and waits until its Runtime API answers.
    public func start() async throws {
        guard let executable = Self.executable else { throw HarnessError("haproxy is not installed") }
        LeftoverProcesses.stopOnce()
        let check = Process()
        check.executableURL = URL(fileURLWithPath: executable)
        check.arguments = ["-c", "-q", "-f", configurationFile.path]
        try check.run()
        check.waitUntilExit()
        guard check.terminationStatus == 0 else {
            throw HarnessError("haproxy -c rejects the generated configuration \(configurationFile.path)")
        }

        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let log = try FileHandle(forWritingTo: logFile)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-db", "-f", configurationFile.path]
        process.standardOutput = log
        process.standardError = log
        try process.run()
        self.process = process
        LeftoverProcesses.record(process.processIdentifier, in: configurationFile.deletingLastPathComponent())

        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            guard process.isRunning else {
                throw HarnessError("haproxy exited at start: \(logText())")
            }
            if (try? await info()) != nil { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        stop()
        throw HarnessError("haproxy's Runtime API did not answer within 10 s: \(logText())")
    }

    /// Stops HAProxy (SIGTERM, then SIGKILL after 5 s) and waits for it to exit.
    public func stop() {
        guard let process, process.isRunning else {
            self.process = nil
            return
        }
        process.terminate()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        self.process = nil
    }

    /// A stop and a fresh start on the same configuration: every runtime change is lost.
    public func restart() async throws {
        stop()
        try await start()
    }

    public struct Info: Hashable, Sendable {
        public var pid: Int
        public var uptimeSeconds: Int
    }

    /// HAProxy's own process id and uptime, from `show info`: how a test proves there was no reload.
    public func info() async throws -> Info {
        let answer = try await runtime.query(RuntimeCommand("show info", acceptance: .anyAnswer))
        var fields: [String: String] = [:]
        for line in answer.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2 { fields[String(parts[0])] = parts[1].trimmingCharacters(in: .whitespaces) }
        }
        guard let pid = fields["Pid"].flatMap(Int.init), let uptime = fields["Uptime_sec"].flatMap(Int.init) else {
            throw HarnessError("unexpected 'show info' answer: \(answer.prefix(200))")
        }
        return Info(pid: pid, uptimeSeconds: uptime)
    }

    /// `srvN` → `address:port` of the backend's servers that take traffic, from `show servers state`.
    public func activeSlots(backend: String) async throws -> [String: String] {
        let servers = try ServersStateParser.parse(try await runtime.query(.showServersState))
        var result: [String: String] = [:]
        for server in servers where server.backendName == backend && !server.isInMaintenance {
            result[server.serverName] = "\(server.address):\(server.port)"
        }
        return result
    }

    /// Every server of `backend` as HAProxy runs it now (address, admin flags: drain, maintenance), by slot.
    public func servers(backend: String) async throws -> [String: RuntimeServerState] {
        let servers = try ServersStateParser.parse(try await runtime.query(.showServersState))
        var result: [String: RuntimeServerState] = [:]
        for server in servers where server.backendName == backend { result[server.serverName] = server }
        return result
    }

    private func logText() -> String {
        (try? String(contentsOf: logFile, encoding: .utf8)) ?? "(no log)"
    }
}

public struct HarnessError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
