import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Why a connection could not be made or broke off, in a few words a person understands (`no such file`,
/// `connection refused`, `permission denied`, `timed out`), for the sentences of the Runtime API client and
/// the HTTP transport. NIO's own descriptions name system calls and errno values
/// (`connect(descriptor:addr:size:): No such file or directory (errno: 2)`), which tell an operator little.
public enum ConnectionFailure {
    /// The reason behind `error`, or `nil` when it is not a connection error NIO or AsyncHTTPClient raise.
    public static func reason(_ error: any Error) -> String? {
        switch error {
        case let error as IOError:
            return reason(errno: error.errnoCode)
        case let error as NIOConnectionError:
            if let first = error.connectionErrors.first { return reason(first.error) }
            if error.dnsAError != nil || error.dnsAAAAError != nil { return "host \(error.host) not found" }
            return "no address to connect to for \(error.host)"
        case let error as ChannelError:
            switch error {
            case .connectTimeout: return "timed out"
            case .ioOnClosedChannel, .eof, .outputClosed, .inputClosed, .alreadyClosed: return "the connection was closed"
            default: return nil
            }
        case let error as HTTPClientError:
            switch error {
            case .connectTimeout, .deadlineExceeded: return "timed out"
            case .readTimeout, .writeTimeout: return "no answer in time"
            case .tlsHandshakeTimeout: return "the TLS handshake timed out"
            case .remoteConnectionClosed: return "the server closed the connection"
            default: return nil
            }
        case let error as NIOSSLError:
            if case .handshakeFailed = error {
                return "the TLS handshake failed (is the certificate trusted, and is the server speaking TLS?)"
            }
            return nil
        case let error as SocketAddressError:
            if case .unknown(let host, _) = error { return "host \(host) not found" }
            return nil
        default:
            return nil
        }
    }

    /// The errno behind `error`, when it is a system call's failure (directly or as a connection attempt's).
    public static func errno(of error: any Error) -> CInt? {
        switch error {
        case let error as IOError: error.errnoCode
        case let error as NIOConnectionError: error.connectionErrors.first.flatMap { self.errno(of: $0.error) }
        default: nil
        }
    }

    /// `no such file` for `ENOENT`, and so on; `strerror` in lower case for the rest.
    public static func reason(errno: CInt) -> String {
        switch errno {
        case ENOENT: "no such file"
        case ECONNREFUSED: "connection refused"
        case EACCES, EPERM: "permission denied"
        case ETIMEDOUT: "timed out"
        case EHOSTUNREACH: "host unreachable"
        case ENETUNREACH: "network unreachable"
        case ECONNRESET: "connection reset by the other side"
        case EPIPE: "the connection was closed"
        case ENOTSOCK: "not a socket"
        default: String(cString: strerror(errno)).lowercased()
        }
    }
}
