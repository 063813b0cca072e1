/// Turns a ``BackendPlan`` into Runtime API commands: the pure half of the Runtime API sink.
///
/// - A filled slot is re-addressed and weighted first and put `ready` last, so it never takes traffic
///   at its old address; a freed slot goes to `maint` first and is re-addressed to the placeholder after.
///   A slot whose instance left goes to `drain` (`haproxy.drain_seconds`), and from there to `maint` when
///   the drain ends, or back to `ready` when the instance returns.
/// - Growth beyond the declared slots uses `add server` with the backend's health-check setting, then
///   `enable health` and `enable server` (HAProxy creates dynamic servers in maintenance, checks off).
/// - Servers are never deleted: a slot the planner would remove (shrinking) is only kept in maintenance,
///   so the backend keeps its size until HAProxy is reloaded with a smaller configuration.
/// - `backup` is a configuration keyword the Runtime API cannot change: the difference is reported, the
///   rest of the change is applied.
/// - A running server whose health checks are configured but off (an interrupted `add server`) gets
///   `enable health`, so a cycle always repairs what the last one left half done.
public struct RuntimeChangeTranslator: Sendable {
    public struct Translation: Hashable, Sendable {
        /// One chain per written server: its commands in order, each sent only when the one before it was
        /// accepted (see ``RuntimeAPIClient/run(chains:)``).
        public var chains: [[RuntimeCommand]] = []
        /// Every command, chain after chain.
        public var commands: [RuntimeCommand] { chains.flatMap { $0 } }
        /// One line per written server, for the log.
        public var changes: [String] = []
        /// Servers written.
        public var serversChanged = 0
        /// The planned changes that have commands here, for the sink's counts.
        public var written: [ServerChange] = []
        /// What could not be done at runtime.
        public var warnings: [PlanWarning] = []
    }

    public init() {}

    public func translate(_ plan: BackendPlan, actual: [RuntimeServerState], usesHealthChecks: Bool) -> Translation {
        translate(plan, actual: actual, usesHealthChecks: usesHealthChecks, instances: nil)
    }

    /// As above; each change line names the change's instance where `instances` knows it.
    func translate(
        _ plan: BackendPlan,
        actual: [RuntimeServerState],
        usesHealthChecks: Bool,
        instances: ServerChangeInstances.Backend?
    ) -> Translation {
        var translation = Translation()
        let backend = plan.backendName
        for change in plan.changes {
            var chain: [RuntimeCommand] = []
            switch change {
            case .updateSlot(let from, let to, let fields):
                let addressChanged = fields.contains(.address) || fields.contains(.port)
                let fromState = Self.adminState(of: from)
                let toState = Self.adminState(of: to)
                if toState == .maint && fromState != .maint {
                    chain.append(.setState(backend: backend, server: to.name, .maint))
                }
                if addressChanged {
                    chain.append(.setAddress(backend: backend, server: to.name, address: to.address, port: to.port))
                }
                if fields.contains(.weight) {
                    chain.append(.setWeight(backend: backend, server: to.name, weight: to.weight))
                }
                if toState != .maint && toState != fromState {
                    chain.append(.setState(backend: backend, server: to.name, toState))
                }
                if fields.contains(.backup) {
                    translation.warnings.append(
                        PlanWarning(
                            backend: backend,
                            message: "\(to.name) should \(to.backup ? "" : "not ")be a backup server, which the "
                                + "Runtime API cannot change; use haproxy.az_weight_tag or the Data Plane API sink"
                        )
                    )
                }
                if !chain.isEmpty {
                    translation.changes.append(
                        "\(backend)/\(to.name): \(from) -> \(to)" + (instances?.annotation(for: change) ?? "")
                    )
                }
            case .addSlot(let server):
                var arguments: [String] = []
                if usesHealthChecks { arguments.append("check") }
                arguments += ["weight", String(server.weight)]
                chain.append(
                    .addServer(
                        backend: backend,
                        server: server.name,
                        address: server.address,
                        port: server.port,
                        arguments: arguments
                    )
                )
                if usesHealthChecks {
                    chain.append(.enableHealthCheck(backend: backend, server: server.name))
                }
                if !server.maintenance {
                    chain.append(.enableServer(backend: backend, server: server.name))
                }
                translation.changes.append(
                    "\(backend)/\(server.name): added \(server)" + (instances?.annotation(for: change) ?? "")
                )
            case .removeSlot(let server):
                // Never `del server`: a free slot stays, in maintenance.
                if !server.maintenance {
                    chain.append(.setState(backend: backend, server: server.name, .maint))
                    translation.changes.append(
                        "\(backend)/\(server.name): \(server) -> maint (kept, not deleted)"
                            + (instances?.annotation(for: change) ?? "")
                    )
                }
            }
            if !chain.isEmpty {
                translation.chains.append(chain)
                translation.serversChanged += 1
                translation.written.append(change)
            }
        }

        let written = Set(plan.changes.map(\.slotName))
        for server in actual
        where !written.contains(server.serverName) && SlotName.index(of: server.serverName) != nil
            && !server.isInMaintenance && server.hasHealthCheck && !server.checkFlags.contains(.enabled)
        {
            translation.chains.append([.enableHealthCheck(backend: backend, server: server.serverName)])
            translation.changes.append("\(backend)/\(server.serverName): health checks enabled")
            translation.serversChanged += 1
        }
        return translation
    }

    /// The administrative state a planned or actual server is in (maintenance wins over drain, as in HAProxy).
    static func adminState(of server: ServerState) -> RuntimeCommand.AdminState {
        server.maintenance ? .maint : server.draining ? .drain : .ready
    }
}
