import Logging
import ProviderKit

/// Keeps HAProxy backends in step through HAProxy's Runtime API (the stats socket, `level admin`),
/// without the Data Plane API and without ever reloading HAProxy.
///
/// Backends are declared in haproxy.cfg with pre-allocated slots
/// (`server-template srv 10 127.0.0.1:80 disabled check weight 100`). Every apply:
/// 1. reads the actual state (`show backend; show servers state`, one connection);
/// 2. plans with the shared ``ReconcilePlanner`` (slots are sticky per instance);
/// 3. fills, frees and re-addresses slots with `set server`, grows with `add server`, never deletes.
///
/// It is level-triggered: runtime changes are lost when HAProxy reloads or restarts, and the next apply
/// finds the slots back in their configured state and repairs them. To keep the state across reloads
/// as well, use `server-state-file` with `load-server-state-from-file global` and save the state before
/// reloading (`echo "show servers state" | socat stdio /run/haproxy/admin.sock > /var/lib/haproxy/state`).
///
/// A backend missing from HAProxy is an error naming it with the haproxy.cfg lines to add; the other
/// backends are still converged first.
public actor RuntimeAPISink: PlanningSink {
    public nonisolated let name = "haproxy-runtime"
    public nonisolated let settings: HAProxySinkSettings
    public nonisolated let client: RuntimeAPIClient
    private let logger: Logger
    private let translator = RuntimeChangeTranslator()
    /// The slot of each instance after the last successful apply: a cache, see ``Sink``.
    private var assignments: [String: [InstanceID: String]] = [:]
    /// Plan warnings already logged; a standing condition is logged once, not every cycle.
    private var planWarnings = WarnOnce<PlanWarning>()

    public init(
        client: RuntimeAPIClient,
        settings: HAProxySinkSettings = HAProxySinkSettings(),
        logger: Logger = Logger(label: "discoveryd.haproxy-runtime")
    ) {
        self.client = client
        self.settings = settings
        self.logger = logger
    }

    @discardableResult
    public func apply(_ catalog: ServiceCatalog, options: ApplyOptions) async throws -> SinkReport {
        if options.fullResync { assignments = [:] }
        var snapshot = try RuntimeSnapshot(answers: try await client.run(RuntimeSnapshot.queries))
        var report = SinkReport(requests: RuntimeSnapshot.queries.count)

        // After a restart the servers added at runtime are gone. Re-create the slots our instances held,
        // as free slots, so that the plan puts every instance back where it was.
        let restore = snapshot.missingSlots(for: assignments, weight: settings.serverSettings.weight)
        if !restore.isEmpty {
            try await client.run(restore)
            snapshot = try RuntimeSnapshot(answers: try await client.run(RuntimeSnapshot.queries))
            report.requests += restore.count + RuntimeSnapshot.queries.count
            let slots = restore.filter { $0.text.hasPrefix("add server") }.count
            report.changes.append("re-created \(slots) slots lost by a restart of HAProxy")
        }

        let plan = ReconcilePlanner(settings: settings).plan(
            catalog: catalog,
            actual: snapshot.plannerView,
            previousAssignments: assignments
        )
        var commands: [RuntimeCommand] = []
        var warnings = plan.warnings
        for backend in plan.backends where !backend.isNewBackend {
            let translation = translator.translate(
                backend,
                actual: snapshot.servers[backend.backendName] ?? [],
                usesHealthChecks: snapshot.usesHealthChecks(backend: backend.backendName)
            )
            commands += translation.commands
            report.changes += translation.changes
            report.serversChanged += translation.serversChanged
            warnings += translation.warnings
        }
        for skipped in plan.skipped { warnings.append(PlanWarning(message: skipped.description)) }
        logNewWarnings(warnings)

        if !commands.isEmpty {
            try await client.run(commands)
            report.requests += commands.count
        }
        // Only now, with every command accepted, do the assignments become the cache.
        var applied: [String: [InstanceID: String]] = [:]
        for backend in plan.backends where !backend.isNewBackend && !backend.assignments.isEmpty {
            applied[backend.backendName] = backend.assignments
        }
        assignments = applied

        let missing = plan.backends.filter(\.isNewBackend)
        if !missing.isEmpty {
            throw RuntimeAPISinkError.missing(missing, settings: settings)
        }
        return report
    }

    /// The servers of every backend discoveryd manages, as the planner sees them (for `plan`). Writes nothing.
    public func readManagedBackends() async throws -> [String: [ServerState]] {
        let snapshot = try RuntimeSnapshot(answers: try await client.run(RuntimeSnapshot.queries))
        return snapshot.plannerView.filter { settings.naming.isManaged(backendName: $0.key) }
    }

    private func logNewWarnings(_ warnings: [PlanWarning]) {
        for warning in planWarnings.newWarnings(warnings) {
            logger.warning("\(warning)")
        }
    }
}
