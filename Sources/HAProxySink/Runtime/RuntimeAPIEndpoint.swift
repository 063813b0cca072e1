import ProviderKit
/// Where HAProxy's Runtime API (its `stats socket ... level admin`) listens.
///
/// Parsed from `haproxy.runtime_socket`: a unix socket path (`/run/haproxy/admin.sock`, optionally written
/// `unix:///run/haproxy/admin.sock`) or a TCP address (`tcp://127.0.0.1:9999`, `tcp://[::1]:9999`).
public enum RuntimeAPIEndpoint: Hashable, Sendable, CustomStringConvertible {
    case unixSocket(path: String)
    case tcp(host: String, port: Int)

    /// Parses the configuration value, throwing an error that names the accepted shapes.
    public init(parsing value: String) throws(RuntimeAPIError) {
        let trimmed = value.trimmingWhitespace()
        if trimmed.isEmpty {
            throw RuntimeAPIError.invalidEndpoint(value, reason: "it is empty")
        }
        if trimmed.hasPrefix("tcp://") {
            let authority = trimmed.dropFirst("tcp://".count)
            let host: Substring
            let portText: Substring
            if authority.hasPrefix("[") {
                guard let close = authority.firstIndex(of: "]"),
                    authority[authority.index(after: close)...].hasPrefix(":")
                else {
                    throw RuntimeAPIError.invalidEndpoint(value, reason: "an IPv6 host must be written [addr]:port")
                }
                host = authority[authority.index(after: authority.startIndex)..<close]
                portText = authority[authority.index(close, offsetBy: 2)...]
            } else {
                guard let colon = authority.lastIndex(of: ":") else {
                    throw RuntimeAPIError.invalidEndpoint(value, reason: "the port is missing")
                }
                host = authority[..<colon]
                portText = authority[authority.index(after: colon)...]
            }
            guard !host.isEmpty else {
                throw RuntimeAPIError.invalidEndpoint(value, reason: "the host is missing")
            }
            guard let port = Int(portText), (1...65535).contains(port) else {
                throw RuntimeAPIError.invalidEndpoint(value, reason: "'\(portText)' is not a port (1-65535)")
            }
            self = .tcp(host: String(host), port: port)
        } else if trimmed.hasPrefix("unix://") {
            let path = String(trimmed.dropFirst("unix://".count))
            guard !path.isEmpty else {
                throw RuntimeAPIError.invalidEndpoint(value, reason: "the socket path is missing")
            }
            self = .unixSocket(path: path)
        } else if trimmed.contains("://") {
            throw RuntimeAPIError.invalidEndpoint(value, reason: "only unix socket paths and tcp:// are supported")
        } else {
            self = .unixSocket(path: trimmed)
        }
    }

    public var description: String {
        switch self {
        case .unixSocket(let path): path
        case .tcp(let host, let port): host.contains(":") ? "tcp://[\(host)]:\(port)" : "tcp://\(host):\(port)"
        }
    }
}

extension RuntimeAPIEndpoint {
    /// How this endpoint is written in haproxy.cfg's `stats socket` line.
    public var configurationHint: String {
        switch self {
        case .unixSocket(let path): path
        case .tcp(let host, let port): host.contains(":") ? "ipv6@[\(host)]:\(port)" : "ipv4@\(host):\(port)"
        }
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        var view = Substring(self)
        while let first = view.first, first.isWhitespace { view.removeFirst() }
        while let last = view.last, last.isWhitespace { view.removeLast() }
        return String(view)
    }
}

extension RuntimeAPIEndpoint {
    /// One warning for the start log when the socket is TCP on an address that is not loopback: the Runtime
    /// API has no authentication, so anyone who reaches that port has admin rights over HAProxy.
    public var transportWarning: String? {
        guard case .tcp(let host, _) = self else { return nil }
        let lowered = host.lowercased()
        let loopback = lowered == "localhost" || lowered == "::1" || (IPAddressLiteral.isIPv4(lowered) && lowered.hasPrefix("127."))
        guard !loopback else { return nil }
        return "haproxy.runtime_socket \(self) is TCP on an address that is not loopback; the Runtime API has no "
            + "authentication, so anyone who can reach it controls HAProxy. Prefer a unix socket or 127.0.0.1"
    }
}
