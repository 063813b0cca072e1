import AWSProvider
import AsyncHTTPClient
import DiscoverydTesting
import Foundation
import HTTPSupport

/// A `moto_server` (the AWS emulator, in server mode) on a free loopback port, started per suite and stopped
/// by its PID.
///
/// Found through `DISCOVERYD_MOTO_SERVER` (set by `.ci/run` to its virtual environment), else
/// `.venv-ci/bin/moto_server` in the repository, else `moto_server` on `PATH`. In CI (`CI=true`) a missing
/// moto is a failure, not a skip.
/// `@unchecked`: `Process` is not marked Sendable, but the calls used here (`isRunning`, `processIdentifier`,
/// `waitUntilExit`) are safe from any thread.
public final class MotoServer: @unchecked Sendable {
    let process: Process
    public let port: Int
    public var endpoint: String { "http://127.0.0.1:\(port)" }

    public static var executable: String? {
        let environment = ProcessInfo.processInfo.environment
        var candidates: [String] = []
        if let configured = environment["DISCOVERYD_MOTO_SERVER"], !configured.isEmpty { candidates.append(configured) }
        candidates.append(DiscoverydExecutable.repositoryRoot.appendingPathComponent(".venv-ci/bin/moto_server").path)
        for directory in (environment["PATH"] ?? "").split(separator: ":") {
            candidates.append("\(directory)/moto_server")
        }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The Python that can run the seed script: beside moto_server (a venv's), else `DISCOVERYD_MOTO_PYTHON`,
    /// else `python3`.
    public static var python: String {
        let environment = ProcessInfo.processInfo.environment
        if let configured = environment["DISCOVERYD_MOTO_PYTHON"], !configured.isEmpty { return configured }
        if let server = executable {
            let sibling = URL(fileURLWithPath: server).deletingLastPathComponent().appendingPathComponent("python").path
            if FileManager.default.isExecutableFile(atPath: sibling) { return sibling }
        }
        return "python3"
    }

    /// Whether the suites that need moto run: when it is installed, and always in CI (`CI=true`), where a
    /// missing moto then fails them instead of skipping them.
    public static var shouldRun: Bool {
        executable != nil || ProcessInfo.processInfo.environment["CI"] == "true"
    }

    private init(process: Process, port: Int) {
        self.process = process
        self.port = port
    }

    public static func start() async throws -> MotoServer {
        guard let executable else {
            throw MotoError("moto_server not found; .ci/run installs it into .venv-ci (pip install 'moto[server]' boto3), or set DISCOVERYD_MOTO_SERVER")
        }
        let port = try freeLoopbackPort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-H", "127.0.0.1", "-p", String(port)]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let server = MotoServer(process: process, port: port)
        // Ready when it answers over HTTP; give it 30 s on a loaded machine.
        for _ in 0..<300 {
            if await server.answers() { return server }
            guard process.isRunning else { throw MotoError("moto_server exited with status \(process.terminationStatus)") }
            try await Task.sleep(for: .milliseconds(100))
        }
        server.stop()
        throw MotoError("moto_server did not answer on port \(port) within 30 s")
    }

    private func answers() async -> Bool {
        (try? await AsyncHTTPTransport(client: .shared).send(HTTPRequestData(url: "\(endpoint)/moto-api/"), timeout: .seconds(1))) != nil
    }

    /// SIGTERM, then SIGKILL after 2 s: moto's threaded server does not always exit on SIGTERM, and it
    /// holds nothing worth a graceful shutdown.
    public func stop() {
        guard process.isRunning else { return }
        let pid = process.processIdentifier
        kill(pid, SIGTERM)
        for _ in 0..<20 where process.isRunning {
            usleep(100_000)
        }
        if process.isRunning { kill(pid, SIGKILL) }
        process.waitUntilExit()
    }

    /// Clears every resource (moto's reset API), so a suite can seed again.
    public func reset() async throws {
        _ = try await AsyncHTTPTransport(client: .shared).send(HTTPRequestData(method: "POST", url: "\(endpoint)/moto-api/reset"), timeout: .seconds(10))
    }

    /// Runs `Scripts/seed-moto.py` against this server and returns its JSON summary.
    public func seed(region: String = "us-east-1", extraTagged: Int = 0) async throws -> SeedSummary {
        let script = DiscoverydExecutable.repositoryRoot.appendingPathComponent("Scripts/seed-moto.py").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [Self.python, script, endpoint, "--region", region, "--extra-tagged", String(extraTagged)]
        let result = try await process.runToCompletion()
        guard result.status == 0 else { throw MotoError("seed-moto.py failed: \(result.stderr)") }
        return try JSONDecoder().decode(SeedSummary.self, from: Data(result.stdout.utf8))
    }

    private static func freeLoopbackPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw MotoError("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else { throw MotoError("bind() failed") }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw MotoError("getsockname() failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

public struct MotoError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// What `Scripts/seed-moto.py` created.
public struct SeedSummary: Decodable, Sendable {
    public var web: [String]
    public var webPortOverride: String
    public var stopped: String
    public var terminated: String
    public var untagged: [String]
    public var bulk: [String]
    public var apiGroup: [String]
    public var workerGroup: [String]
    public var workerPortOverride: String

    enum CodingKeys: String, CodingKey {
        case web
        case webPortOverride = "web_port_override"
        case stopped, terminated, untagged, bulk
        case apiGroup = "api-asg"
        case workerGroup = "worker-asg"
        case workerPortOverride = "worker_port_override"
    }
}
