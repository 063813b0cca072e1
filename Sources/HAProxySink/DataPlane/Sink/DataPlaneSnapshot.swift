import Logging

/// What HAProxy has, as far as discoveryd is concerned: the configuration version it was read at, and
/// every backend with the managed name prefix, split into discoveryd's own (marked) and foreign ones.
public struct DataPlaneSnapshot: Hashable, Sendable {
    /// The configuration version the snapshot is valid for.
    public var version: Int
    /// discoveryd's backends (prefix and marker) by name.
    public var backends: [String: DataPlaneBackend]
    /// The servers of each of discoveryd's backends, in file order.
    public var servers: [String: [DataPlaneServer]]
    /// Backends with the managed prefix but without the marker: never touched.
    public var foreignBackends: Set<String>

    public init(
        version: Int,
        backends: [String: DataPlaneBackend] = [:],
        servers: [String: [DataPlaneServer]] = [:],
        foreignBackends: Set<String> = []
    ) {
        self.version = version
        self.backends = backends
        self.servers = servers
        self.foreignBackends = foreignBackends
    }

    /// Reads backends and their servers at `version`: in one request where the API has `full_section`
    /// (v3.1+), else the backend list and then each of discoveryd's backends' servers, with at most
    /// `concurrency` requests in flight.
    public static func read(
        from client: DataPlaneClient,
        version: Int,
        naming: BackendNaming,
        concurrency: Int = 4
    ) async throws -> DataPlaneSnapshot {
        var snapshot = DataPlaneSnapshot(version: version)
        if try await client.supportsFullSection() {
            for section in try await client.backendSections() where naming.isManaged(backendName: section.backend.name) {
                if DataPlaneBackendFormat.isOwned(section.backend) {
                    snapshot.backends[section.backend.name] = section.backend
                    snapshot.servers[section.backend.name] = section.servers
                } else {
                    snapshot.foreignBackends.insert(section.backend.name)
                }
            }
            return snapshot
        }
        for backend in try await client.backends() where naming.isManaged(backendName: backend.name) {
            if DataPlaneBackendFormat.isOwned(backend) {
                snapshot.backends[backend.name] = backend
            } else {
                snapshot.foreignBackends.insert(backend.name)
            }
        }
        let names = snapshot.backends.keys.sorted()
        try await withThrowingTaskGroup(of: (String, [DataPlaneServer]).self) { group in
            var next = names.makeIterator()
            func startNext() {
                guard let name = next.next() else { return }
                group.addTask { (name, try await client.servers(inBackend: name)) }
            }
            for _ in 0..<max(1, concurrency) { startNext() }
            while let (name, servers) = try await group.next() {
                snapshot.servers[name] = servers
                startNext()
            }
        }
        return snapshot
    }

    /// The snapshot after `plan` was applied and HAProxy reached `version`: lets the next cycle skip the
    /// re-read when nobody else wrote in between.
    func applying(_ plan: DataPlanePlan, version: Int) -> DataPlaneSnapshot {
        var next = self
        next.version = version
        for backend in plan.reconcile.backends {
            if let fields = plan.newBackends[backend.backendName] {
                next.backends[backend.backendName] = DataPlaneBackend(fields: fields)
            }
            guard !backend.changes.isEmpty else { continue }
            var servers = next.servers[backend.backendName] ?? []
            for change in backend.changes {
                switch change {
                case .addSlot(let server):
                    servers.append(DataPlaneServerFormat.server(for: server))
                case .updateSlot(_, let server, _):
                    let written = DataPlaneServerFormat.server(for: server)
                    if let index = servers.firstIndex(where: { $0.name == server.name }) {
                        servers[index] = written
                    } else {
                        servers.append(written)
                    }
                case .removeSlot(let server):
                    servers.removeAll { $0.name == server.name }
                }
            }
            next.servers[backend.backendName] = servers
        }
        return next
    }
}
