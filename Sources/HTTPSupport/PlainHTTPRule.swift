import Foundation

/// Secrets (tokens, passwords) travel over API endpoints: plain `http` is allowed only to a loopback host
/// (a local test endpoint or a sidecar) unless the configuration opts in.
public enum PlainHTTPRule {
    /// Whether `url` may be used: `https` always; `http` to a loopback host (`localhost`, `127.0.0.0/8`,
    /// `::1`), or to any host when `allowingPlainHTTP`; no other scheme, and never without a host.
    public static func permits(_ url: URL, allowingPlainHTTP: Bool = false) -> Bool {
        guard let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else { return false }
        switch scheme {
        case "https": return true
        case "http": return allowingPlainHTTP || isLoopback(host: host)
        default: return false
        }
    }

    /// Whether `host` names this machine: `localhost`, an IPv4 address in `127.0.0.0/8`, or `::1`.
    public static func isLoopback(host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        return bare == "localhost" || bare == "::1" || bare.hasPrefix("127.")
    }
}
