import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What systemd listens on for `Type=notify`: a unix datagram socket, here in a temporary directory (or the
/// abstract namespace), collecting every datagram the daemon sends.
final class FakeNotifySocket: @unchecked Sendable {
    /// The value for `NOTIFY_SOCKET`.
    let address: String
    private let fd: Int32
    private let directory: URL?

    /// - Parameter abstract: Bind in the abstract namespace (`@name`) instead of the file system.
    init(abstract: Bool = false) throws {
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        var bytes: [UInt8]
        if abstract {
            address = "@discoveryd-test-\(UUID().uuidString)"
            bytes = Array(address.utf8)
            bytes[0] = 0
            directory = nil
        } else {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("notify-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            self.directory = directory
            address = directory.appendingPathComponent("notify.sock").path
            bytes = Array(address.utf8)
        }
        var socketAddress = sockaddr_un()
        socketAddress.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &socketAddress.sun_path) { $0.copyBytes(from: bytes) }
        let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + bytes.count)
        let result = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard result == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
    }

    deinit {
        close(fd)
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    /// Every datagram waiting now, each split into its `KEY=VALUE` lines.
    func drain() -> [[String]] {
        var messages: [[String]] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            guard count > 0 else { return messages }
            let text = String(decoding: buffer[..<count], as: UTF8.self)
            messages.append(text.split(separator: "\n").map(String.init))
        }
    }

    /// Waits (polling, at most `timeout`) for a datagram with a line containing `text`; returns every datagram
    /// received meanwhile, or `nil` on timeout.
    func waitFor(_ text: String, timeout: Duration = .seconds(20)) async throws -> [[String]]? {
        let deadline = ContinuousClock.now + timeout
        var received: [[String]] = []
        while ContinuousClock.now < deadline {
            received += drain()
            if received.contains(where: { $0.contains { $0.contains(text) } }) { return received }
            try await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }
}
