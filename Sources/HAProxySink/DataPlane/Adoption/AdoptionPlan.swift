/// What `discoveryd adopt` changes so that discoveryd takes over backends another tool made with the same
/// naming scheme (the Python daemon's `azure-web-8080-westeurope`), without moving a live server.
///
/// A backend is a candidate when its name has the managed prefix, follows the naming scheme
/// (``BackendNaming/followsScheme(backendName:)``) and carries no ownership marker. Adopting it:
/// - sets its `description` to the marker (``DataPlaneBackendFormat/marker``), the only backend field written;
/// - rewrites its **free** slots (`srvN` in maintenance) into discoveryd's format (`check` and `cookie` like an
///   active slot, the configured weight), so that filling one later is a runtime change, not a reload;
/// - leaves every **live** server exactly where and as it is (address, port, weight, backup, state) unless one
///   of its non-runtime parameters differs from discoveryd's format, in which case only those parameters are
///   rewritten, keeping its address, port, weight, backup and state.
///
/// Pure: built from what the Data Plane API returned, so `--dry-run` shows exactly what is then written.
public struct AdoptionPlan: Hashable, Sendable {
    /// The configuration version the plan was made at; the adoption transaction starts from it.
    public var version: Int
    public var backends: [Backend]

    public struct Backend: Hashable, Sendable {
        public var name: String
        /// The description before adoption (`nil` when there was none).
        public var previousDescription: String?
        /// The backend as it is written back: its fields with the marker as description.
        public var marked: DataPlaneBackend
        /// Servers that take traffic (not in maintenance); they stay where they are.
        public var liveServers: [ServerState]
        /// Slots in maintenance.
        public var freeSlots: Int
        /// Slots rewritten into discoveryd's format, in slot order.
        public var rewrites: [ServerRewrite]
    }

    /// One server written in discoveryd's format, and the fields that change.
    public struct ServerRewrite: Hashable, Sendable {
        public var before: DataPlaneServer
        public var after: ServerState
        /// `check: disabled -> enabled`, `cookie: none -> srv13`, ...; sorted by field name.
        public var changes: [String]
    }

    public var isEmpty: Bool { backends.isEmpty }

    /// Plans the adoption of every candidate among `backends`.
    ///
    /// - Parameters:
    ///   - backends: every backend the Data Plane API lists.
    ///   - servers: the servers of (at least) the candidates, by backend name.
    public static func make(
        version: Int,
        backends: [DataPlaneBackend],
        servers: [String: [DataPlaneServer]],
        settings: HAProxySinkSettings
    ) -> AdoptionPlan {
        var planned: [Backend] = []
        for backend in candidates(among: backends, naming: settings.naming) {
            var marked = backend
            marked.fields["description"] = .string(DataPlaneBackendFormat.marker)
            var live: [ServerState] = []
            var free = 0
            var rewrites: [ServerRewrite] = []
            let slots = (servers[backend.name] ?? [])
                .compactMap { server in SlotName.index(of: server.name).map { (index: $0, server: server) } }
                .sorted { $0.index < $1.index }
            for (_, server) in slots {
                let state = DataPlaneServerFormat.state(of: server)
                let after: ServerState
                if state.maintenance {
                    free += 1
                    // A free slot gets the weight a filled one will have, so filling it changes runtime fields only.
                    after = ServerState(
                        name: state.name,
                        address: state.address,
                        port: state.port,
                        maintenance: true,
                        weight: settings.serverSettings.weight,
                        backup: false
                    )
                } else {
                    live.append(state)
                    after = state
                }
                let changes = fieldChanges(from: server, to: after)
                if !changes.isEmpty {
                    rewrites.append(ServerRewrite(before: server, after: after, changes: changes))
                }
            }
            planned.append(
                Backend(
                    name: backend.name,
                    previousDescription: backend.description,
                    marked: marked,
                    liveServers: live,
                    freeSlots: free,
                    rewrites: rewrites
                )
            )
        }
        return AdoptionPlan(version: version, backends: planned)
    }

    /// The backends `discoveryd adopt` would take over, in name order.
    public static func candidates(among backends: [DataPlaneBackend], naming: BackendNaming) -> [DataPlaneBackend] {
        backends
            .filter { naming.followsScheme(backendName: $0.name) && !DataPlaneBackendFormat.isOwned($0) }
            .sorted { $0.name < $1.name }
    }

    /// The fields of `server` that writing `state` in discoveryd's format changes, as `key: old -> new`.
    static func fieldChanges(from server: DataPlaneServer, to state: ServerState) -> [String] {
        let old = DataPlaneServerFormat.normalised(server.fields)
        let new = DataPlaneServerFormat.normalised(DataPlaneServerFormat.fields(for: state))
        return Set(old.keys).union(new.keys).sorted().compactMap { key in
            guard old[key] != new[key] else { return nil }
            return "\(key): \(old[key].map(Self.text) ?? "none") -> \(new[key].map(Self.text) ?? "none")"
        }
    }

    private static func text(_ value: JSONValue) -> String {
        value.stringValue ?? value.intValue.map(String.init) ?? "\(value)"
    }
}
