import ProviderKit

/// What HAProxy runs right now, read in one connection (`show backend; show servers state`).
public struct RuntimeSnapshot: Hashable, Sendable {
    /// Every backend, including those without any server, in HAProxy's order.
    public var backendNames: [String]
    /// Every server, by backend name, in HAProxy's order.
    public var servers: [String: [RuntimeServerState]]

    public init(backendNames: [String], servers: [RuntimeServerState]) {
        self.backendNames = backendNames
        var byBackend: [String: [RuntimeServerState]] = [:]
        for server in servers { byBackend[server.backendName, default: []].append(server) }
        self.servers = byBackend
    }

    /// The commands that read it.
    static let queries: [RuntimeCommand] = [.showBackends, .showServersState]

    /// Parses the answers to ``queries``.
    init(answers: [String]) throws(RuntimeAPIError) {
        self.init(
            backendNames: try ServersStateParser.parseBackendNames(answers[0]),
            servers: try ServersStateParser.parse(answers[1])
        )
    }

    /// The servers of each existing backend as the planner sees them.
    ///
    /// A server in maintenance reads as such even if its drain flag is still set (`state maint` leaves it,
    /// and maintenance wins); a draining one as draining, so a drain in progress is no difference to write
    /// and a slot that should serve is put back to `ready`. `backup` cannot be read from the Runtime API and
    /// is reported as unset.
    public var plannerView: [String: [ServerState]] {
        var view: [String: [ServerState]] = [:]
        view.reserveCapacity(backendNames.count)
        for name in backendNames {
            view[name] = (servers[name] ?? []).map(\.plannerView)
        }
        return view
    }

    /// `add server` commands for the free slots that `assignments` name but HAProxy lacks (every `srvN`
    /// missing up to the highest assigned one), in maintenance at the placeholder address.
    func missingSlots(for assignments: [String: [InstanceID: String]], weight: Int) -> [RuntimeCommand] {
        var commands: [RuntimeCommand] = []
        for backend in assignments.keys.sorted() {
            guard backendNames.contains(backend), let slots = assignments[backend] else { continue }
            let highest = slots.values.compactMap(SlotName.index(of:)).max() ?? 0
            guard highest > 0 else { continue }
            let existing = Set((servers[backend] ?? []).map(\.serverName))
            let checks = usesHealthChecks(backend: backend)
            for index in 1...highest where !existing.contains(SlotName.name(forIndex: index)) {
                let name = SlotName.name(forIndex: index)
                commands.append(
                    .addServer(
                        backend: backend,
                        server: name,
                        address: ServerState.placeholderAddress,
                        port: ServerState.placeholderPort,
                        arguments: (checks ? ["check"] : []) + ["weight", String(weight)]
                    )
                )
                if checks { commands.append(.enableHealthCheck(backend: backend, server: name)) }
            }
        }
        return commands
    }

    /// Whether the backend's slots were declared with `check`: servers it adds get health checks too.
    public func usesHealthChecks(backend: String) -> Bool {
        let existing = servers[backend] ?? []
        let slots = existing.filter { SlotName.index(of: $0.serverName) != nil }
        return (slots.isEmpty ? existing : slots).contains(where: \.hasHealthCheck)
    }
}

extension RuntimeServerState {
    /// This server as the planner compares it.
    public var plannerView: ServerState {
        ServerState(
            name: serverName,
            address: address,
            port: port,
            maintenance: isInMaintenance,
            draining: isDraining && !isInMaintenance,
            weight: weight,
            backup: false
        )
    }
}
