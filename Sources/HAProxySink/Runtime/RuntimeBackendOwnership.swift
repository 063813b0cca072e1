#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Which backends the Runtime API sink may write.
///
/// HAProxy 2.6 shows no backend `description` through the Runtime API, so ownership cannot be marked inside
/// HAProxy as it is for the Data Plane API. Instead:
/// - **By default** a backend is ours when its whole name is one the naming scheme produces
///   (``BackendNaming/producesName(_:)``: `azure-web-80-westeurope`, not `azure-manual`) **and** every server
///   in it is a slot (`srvN`). A hand-written backend that merely starts with the prefix is left alone.
/// - **Explicitly**, `haproxy.runtime_backends` lists the names or globs (`*`, `?`, `[...]`) of the
///   backends discoveryd may write; nothing else is touched, whatever its name or servers.
public struct RuntimeBackendOwnership: Hashable, Sendable {
    /// The configured names or globs; empty means the default rule.
    public var patterns: [String]

    public init(patterns: [String] = []) {
        self.patterns = patterns
    }

    /// Whether the sink may write `backend`, whose servers are named `serverNames`.
    public func owns(backend: String, serverNames: some Sequence<String>, naming: BackendNaming) -> Bool {
        if !patterns.isEmpty {
            return patterns.contains { pattern in fnmatch(pattern, backend, 0) == 0 }
        }
        return naming.producesName(backend) && serverNames.allSatisfy { SlotName.index(of: $0) != nil }
    }

    /// Why `backend` (which starts with the managed prefix) is not ours, for the one warning about it.
    public func reasonNotOwned(backend: String, naming: BackendNaming) -> String {
        if !patterns.isEmpty {
            return "it is not listed in haproxy.runtime_backends (\(patterns.joined(separator: ", ")))"
        }
        if !naming.producesName(backend) {
            return "its name is not one discoveryd's naming scheme produces "
                + "(\(naming.prefix)\(naming.separator)<service>\(naming.separator)<port>\(naming.separator)<region>)"
        }
        return "it has servers that are not discoveryd slots (srv1, srv2, ...)"
    }
}
