#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Tells systemd how the daemon is doing, by the `sd_notify` protocol: one datagram of `KEY=VALUE` lines
/// to the unix socket named by `NOTIFY_SOCKET` (a path, or `@name` for the abstract namespace).
///
/// Without `NOTIFY_SOCKET` (not started by systemd, or `Type=` other than `notify`) there is no notifier and
/// nothing is sent. A failed send is reported to the caller and never stops the daemon: systemd then acts on
/// its own timeouts, which is the right outcome.
public struct SystemdNotifier: Sendable {
    /// The socket's address as systemd gave it.
    public let socketPath: String
    /// Set when systemd expects `WATCHDOG=1` at least this often (`WatchdogSec=`).
    public let watchdogInterval: Duration?

    /// - Returns: `nil` when `NOTIFY_SOCKET` is unset or empty.
    public init?(environment: [String: String], processID: Int32 = getpid()) {
        guard let path = environment["NOTIFY_SOCKET"], !path.isEmpty else { return nil }
        socketPath = path
        watchdogInterval = Self.watchdogInterval(environment: environment, processID: processID)
    }

    /// `WATCHDOG_USEC` applies to this process only if `WATCHDOG_PID` is unset or names it.
    static func watchdogInterval(environment: [String: String], processID: Int32) -> Duration? {
        guard let text = environment["WATCHDOG_USEC"], let usec = UInt64(text), usec > 0 else { return nil }
        if let pid = environment["WATCHDOG_PID"], !pid.isEmpty, Int32(pid) != processID { return nil }
        return .microseconds(Int64(clamping: usec))
    }

    /// Sends one notification, e.g. `["READY=1", "STATUS=watching 3 services"]`.
    public func notify(_ assignments: [String]) throws(SystemdNotifyError) {
        let message = assignments.joined(separator: "\n")
        #if canImport(Glibc)
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let fd = socket(AF_UNIX, SOCK_DGRAM, 0)
        #endif
        guard fd >= 0 else { throw SystemdNotifyError(socketPath: socketPath, errno: errno) }
        defer { close(fd) }

        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var pathBytes = Array(socketPath.utf8)
        // "@name" is the abstract namespace: a leading NUL byte instead of the "@".
        if pathBytes.first == UInt8(ascii: "@") { pathBytes[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard pathBytes.count < capacity else {
            throw SystemdNotifyError(socketPath: socketPath, errno: ENAMETOOLONG)
        }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.copyBytes(from: pathBytes)
        }
        let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + pathBytes.count)
        let sent = message.utf8CString.withUnsafeBufferPointer { bytes in
            withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                    sendto(fd, bytes.baseAddress, bytes.count - 1, Int32(MSG_NOSIGNAL), socketAddress, length)
                }
            }
        }
        guard sent >= 0 else { throw SystemdNotifyError(socketPath: socketPath, errno: errno) }
    }
}

/// A notification systemd could not be sent.
public struct SystemdNotifyError: Error, CustomStringConvertible {
    public var socketPath: String
    public var errno: Int32

    public var description: String {
        "could not notify systemd at \(socketPath): \(String(cString: strerror(errno)))"
    }
}
