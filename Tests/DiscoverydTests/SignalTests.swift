#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import DiscoverydTesting
import Foundation
import Testing

/// Seen: SIGTERM during `--once` killed the process mid-cycle, and a SIGTERM while the runtime socket hung
/// took 19 s while a second signal was ignored. Here the socket accepts connections and never answers.
@Suite("Signals in every mode", .serialized)
struct SignalTests {
    let binary: DiscoverydBinary

    init() throws {
        binary = try #require(DiscoverydBinary.locate(), "the discoveryd executable was not built")
    }

    /// A unix socket that accepts connections (the kernel's backlog) and never answers.
    final class HangingSocket {
        let path: String
        private let descriptor: Int32

        init(directory: URL) throws {
            path = directory.appendingPathComponent("hang.sock").path
            #if canImport(Darwin)
            descriptor = socket(AF_UNIX, SOCK_STREAM, 0)
            #else
            descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            #endif
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { buffer in
                for (index, byte) in path.utf8.prefix(buffer.count - 1).enumerated() { buffer[index] = byte }
            }
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            guard bound == 0, listen(descriptor, 16) == 0 else { throw CocoaError(.fileWriteUnknown) }
        }

        deinit { close(descriptor) }
    }

    func withHangingHAProxy(_ yamlExtra: String = "", _ body: (URL, String) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dd-sig-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let socket = try HangingSocket(directory: directory)
        try "instances: []\n".write(to: directory.appendingPathComponent("instances.yaml"), atomically: true, encoding: .utf8)
        let config = directory.appendingPathComponent("config.yaml")
        try """
            static: {path: instances.yaml}
            haproxy:
              runtime_socket: \(socket.path)
              timeout: 30
            \(yamlExtra)
            """.write(to: config, atomically: true, encoding: .utf8)
        try await body(directory, config.path)
        _ = socket
    }

    @Test("--once cancels on SIGTERM and exits 1 with one line, without waiting for the hung socket")
    func onceHandlesSIGTERM() async throws {
        try await withHangingHAProxy { _, config in
            let running = try binary.start(["--once", "-c", config])
            #expect(try await running.waitForStderr(containing: "starting"))
            try await Task.sleep(for: .seconds(1))
            let signalled = ContinuousClock.now
            running.signal(SIGTERM)
            let result = try await running.wait()
            #expect(ContinuousClock.now - signalled < .seconds(5), "the 30 s socket timeout was not waited for")
            #expect(result.status == 1)
            let last = result.stderr.split(separator: "\n").last.map(String.init) ?? ""
            #expect(last.hasPrefix("discoveryd: interrupted by SIGTERM"))
        }
    }

    @Test("the daemon exits at once on a second signal while a cycle hangs")
    func secondSignalExitsAtOnce() async throws {
        try await withHangingHAProxy { _, config in
            let running = try binary.start(["-c", config])
            #expect(try await running.waitForStderr(containing: "starting"))
            try await Task.sleep(for: .seconds(1))
            running.signal(SIGTERM)
            try await Task.sleep(for: .milliseconds(500))
            #expect(running.process.isRunning, "the first signal waits for the cycle")
            let signalled = ContinuousClock.now
            running.signal(SIGINT)
            let result = try await running.wait()
            #expect(ContinuousClock.now - signalled < .seconds(5))
            #expect(result.status == 1)
            #expect(result.stderr.contains("second"))
        }
    }

    @Test("the daemon exits after polling.shutdown_timeout_seconds when the cycle does not finish")
    func shutdownTimeout() async throws {
        try await withHangingHAProxy("polling: {shutdown_timeout_seconds: 1}") { _, config in
            let running = try binary.start(["-c", config])
            #expect(try await running.waitForStderr(containing: "starting"))
            try await Task.sleep(for: .seconds(1))
            let signalled = ContinuousClock.now
            running.signal(SIGTERM)
            let result = try await running.wait()
            #expect(ContinuousClock.now - signalled < .seconds(6))
            #expect(result.status == 1)
            #expect(result.stderr.contains("shutdown_timeout_seconds"))
        }
    }
}
