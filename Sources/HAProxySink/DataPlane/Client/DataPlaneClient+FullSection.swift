import Foundation
import Synchronization

/// Whole backend sections (v3.1+ `full_section=true`): every backend with its servers in one read, and a new
/// backend created together with its servers in one write, instead of one request per backend and per server.
extension DataPlaneClient {
    /// Whether this server's backend endpoints take `full_section`: v3 at ``DataPlaneRelease/fullSection`` or
    /// later, read once from `GET /info` and remembered. v2, an unreadable release and a server that answers
    /// `/info` with a client error (a proxy that only passes the configuration paths) all mean no: the
    /// per-server requests then do the work, as before. An older server would silently ignore the parameter
    /// (and create a backend without its servers), which is why this is asked rather than tried.
    public func supportsFullSection() async throws -> Bool {
        if let known = fullSectionSupport.withLock({ $0 }) { return known }
        var supported = false
        if routes.version == .v3 {
            do {
                let body = try await send(.GET, routes.info).json()
                supported =
                    body["api"]?["version"]?.stringValue.flatMap(DataPlaneRelease.init(versionString:))?
                    .supportsFullSection ?? false
            } catch let error as DataPlaneError where (400..<500).contains(error.status ?? 0) && error.status != 401 {
                supported = false
            }
        }
        fullSectionSupport.withLock { $0 = supported }
        return supported
    }

    /// Every backend with all its children, in one request. Only after ``supportsFullSection()`` said yes.
    public func backendSections(transaction: String? = nil) async throws -> [DataPlaneBackendSection] {
        let response = try await send(.GET, routes.backends.fullSection.reading(in: transaction))
        return try response.list().map { DataPlaneBackendSection(fields: try response.object($0)) }
    }

    /// Creates a new backend with `servers` (``DataPlaneServerFormat``) in one request. Only after
    /// ``supportsFullSection()`` said yes. The body is written from the states directly, so a backend of 3,000
    /// slots never exists as 3,000 dictionaries (most of a first sync's heap peak).
    @discardableResult
    public func createBackend(_ backend: DataPlaneBackend, servers: [ServerState], target: DataPlaneWriteTarget)
        async throws -> DataPlaneWriteOutcome
    {
        try await write(
            .POST, routes.backends.fullSection, encodedBody: Self.sectionBody(backend, servers: servers), target: target
        )
    }

    /// The JSON body of a new backend section with `servers`; `JSONValueWriter.bytes(.object(section.fields))`
    /// of the same section, byte for byte.
    static func sectionBody(_ backend: DataPlaneBackend, servers: [ServerState]) -> [UInt8] {
        guard !servers.isEmpty else { return JSONValueWriter.bytes(.object(backend.fields)) }
        // About 150 bytes per server: `"srv123":{"address":"10.1.2.3","check":"enabled",...,"weight":100}`.
        return JSONValueWriter.bytes(object: backend.fields, adding: "servers", capacity: 1_024 + 160 * servers.count) {
            DataPlaneServerFormat.writeServerMap(servers, into: &$0)
        }
    }
}
