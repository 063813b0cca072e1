import Foundation
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
/// ## Only what is ours
/// A backend is written only when ``RuntimeBackendOwnership`` says it is discoveryd's (by default: a name
/// the naming scheme produces, and only `srvN` servers). Any other backend with the managed prefix gets one
/// warning and never a command.
///
/// ## One broken backend breaks one service
/// A backend missing from HAProxy (reported with the haproxy.cfg lines to add), not discoveryd's, or with
/// a command HAProxy rejected is a ``ServiceFailure`` in the report; every other backend is applied in the
/// same cycle. Within a server, a command is sent only after the one before it was accepted.
public actor RuntimeAPISink: PlanningSink {
    public nonisolated let name = "haproxy-runtime"
    public nonisolated let settings: HAProxySinkSettings
    public nonisolated let client: RuntimeAPIClient
    private let logger: Logger
    private let translator = RuntimeChangeTranslator()
    /// The slot of each instance after the last successful apply: a cache, see ``Sink``.
    private var assignments: [String: [InstanceID: String]] = [:]
    /// The slots draining after the last successful apply, by backend and slot: a cache like `assignments`.
    /// After a restart it is empty and a server found in `drain` drains again for `drain_seconds`.
    private var drains: [String: [String: SlotDrain]] = [:]
    /// The time drains are judged at; tests inject theirs.
    private let now: @Sendable () -> Date
    /// Plan warnings already logged; a standing condition is logged once, not every cycle.
    private var planWarnings = WarnOnce<PlanWarning>()

    public init(
        client: RuntimeAPIClient,
        settings: HAProxySinkSettings = HAProxySinkSettings(),
        logger: Logger = Logger(label: "discoveryd.haproxy-runtime"),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.client = client
        self.settings = settings
        self.logger = logger
        self.now = now
        if let warning = client.endpoint.transportWarning { logger.warning("\(warning)") }
    }

    @discardableResult
    public func apply(_ catalog: ServiceCatalog, options: ApplyOptions) async throws -> SinkReport {
        if options.fullResync { assignments = [:] }
        // A full resync keeps the drains: forgetting them would only restart their deadlines.
        var snapshot = try RuntimeSnapshot(answers: try await client.run(RuntimeSnapshot.queries))
        var report = SinkReport(requests: RuntimeSnapshot.queries.count)

        // After a restart the servers added at runtime are gone. Re-create the slots our instances held,
        // as free slots, so that the plan puts every instance back where it was.
        let restore = snapshot.missingSlots(for: assignments, weight: settings.serverSettings.weight)
        if !restore.isEmpty {
            try await client.run(restore)
            snapshot = try RuntimeSnapshot(answers: try await client.run(RuntimeSnapshot.queries))
            report.requests += restore.count + RuntimeSnapshot.queries.count
            let slots = restore.filter { $0.words.starts(with: ["add", "server"]) }.count
            report.changes.append("re-created \(slots) slots lost by a restart of HAProxy")
        }

        var warnings: [PlanWarning] = []
        let owned = ownedBackends(in: snapshot, warnings: &warnings)
        let planTime = now()
        let plan = ReconcilePlanner(settings: settings).plan(
            catalog: catalog,
            actual: owned,
            previousAssignments: assignments,
            drains: drains,
            now: planTime
        )
        report.revisitAfter = plan.revisitAfter(now: planTime)
        warnings += plan.warnings
        // The change lines name their instances when they are logged (the loop logs them at info).
        let instances =
            logger.logLevel <= .info
            ? ServerChangeInstances(catalog: catalog, plan: plan, previousAssignments: assignments, previousDrains: drains)
            : nil
        var chains: [[RuntimeCommand]] = []
        var chainBackend: [String] = []
        var written: [String: [ServerChange]] = [:]
        for backend in plan.backends where !backend.isNewBackend {
            let translation = translator.translate(
                backend,
                actual: snapshot.servers[backend.backendName] ?? [],
                usesHealthChecks: snapshot.usesHealthChecks(backend: backend.backendName),
                instances: instances?.backend(backend)
            )
            chains += translation.chains
            chainBackend += Array(repeating: backend.backendName, count: translation.chains.count)
            report.changes += translation.changes
            report.serversChanged += translation.serversChanged
            report.runtimeChanges += translation.serversChanged
            written[backend.backendName] = translation.written
            warnings += translation.warnings
        }
        for skipped in plan.skipped { warnings.append(PlanWarning(message: skipped.description)) }
        logNewWarnings(warnings)

        var rejected: [String: [RuntimeAPIError]] = [:]
        if !chains.isEmpty {
            for (index, error) in try await client.run(chains: chains).sorted(by: { $0.key < $1.key }) {
                rejected[chainBackend[index], default: []].append(error)
            }
            report.requests += chains.reduce(0) { $0 + $1.count }
        }

        // Only what HAProxy accepted becomes the cache: a backend with a rejected command keeps its
        // previous assignments, so the next cycle plans it again from the actual state.
        var applied: [String: [InstanceID: String]] = [:]
        for backend in plan.backends where !backend.isNewBackend && !backend.assignments.isEmpty {
            applied[backend.backendName] =
                rejected[backend.backendName] == nil ? backend.assignments : assignments[backend.backendName]
        }
        assignments = applied.compactMapValues { $0 }
        var nextDrains = plan.drains
        for backend in rejected.keys { nextDrains[backend] = drains[backend] }
        drains = nextDrains
        report.slots = plan.slotUsage(includingNewBackends: false)

        for (backend, changes) in written where rejected[backend] == nil {
            for change in changes { report.count(change) }
        }
        for backend in plan.backends {
            if let errors = rejected[backend.backendName] {
                report.failures.append(
                    ServiceFailure(
                        target: backend.backendName,
                        service: backend.serviceKey,
                        message: errors.map(\.description).joined(separator: "; ")
                    )
                )
            } else if backend.isNewBackend {
                report.failures.append(unusableBackend(backend, in: snapshot))
            }
        }
        if !report.failures.isEmpty {
            report.changes.removeAll { change in report.failures.contains { change.hasPrefix($0.target + "/") } }
        }
        return report
    }

    /// The servers of every backend discoveryd may write, as the planner sees them (for `plan`). Writes nothing.
    public func readManagedBackends() async throws -> [String: [ServerState]] {
        let snapshot = try RuntimeSnapshot(answers: try await client.run(RuntimeSnapshot.queries))
        var ignored: [PlanWarning] = []
        return ownedBackends(in: snapshot, warnings: &ignored)
    }

    /// The planner's view of the backends this sink owns; a warning for each other one with the prefix.
    private func ownedBackends(in snapshot: RuntimeSnapshot, warnings: inout [PlanWarning]) -> [String: [ServerState]] {
        var owned: [String: [ServerState]] = [:]
        let ownership = settings.runtimeOwnership
        for (name, servers) in snapshot.plannerView {
            if ownership.owns(backend: name, serverNames: servers.lazy.map(\.name), naming: settings.naming) {
                owned[name] = servers
            } else if settings.naming.isManaged(backendName: name) {
                warnings.append(
                    PlanWarning(
                        backend: name,
                        message: "starts with the managed prefix but is not discoveryd's: "
                            + ownership.reasonNotOwned(backend: name, naming: settings.naming)
                            + "; it is never written (list it in haproxy.runtime_backends to hand it over)"
                    )
                )
            }
        }
        return owned
    }

    /// The failure for a service whose backend HAProxy lacks, or has but does not let discoveryd write.
    private func unusableBackend(_ backend: BackendPlan, in snapshot: RuntimeSnapshot) -> ServiceFailure {
        if snapshot.backendNames.contains(backend.backendName) {
            return ServiceFailure(
                target: backend.backendName,
                service: backend.serviceKey,
                message: "the backend exists but is not discoveryd's ("
                    + settings.runtimeOwnership.reasonNotOwned(backend: backend.backendName, naming: settings.naming)
                    + "); nothing is written to it. Rename the service, or list the backend in haproxy.runtime_backends"
            )
        }
        let error = RuntimeAPISinkError.missing([backend], settings: settings)
        return ServiceFailure(
            target: backend.backendName,
            service: backend.serviceKey,
            message: "HAProxy has no such backend, and the Runtime API cannot create backends",
            fix: "add it to haproxy.cfg and reload HAProxy once (discoveryd plan prints the lines)",
            details: "Add to haproxy.cfg:\n" + error.configurationLines.joined(separator: "\n")
        )
    }

    /// The plan as this sink carries it out: runtime writes only, a missing backend as an error with the
    /// haproxy.cfg lines to add (``HAProxyPlan/applyWouldFail``), never a reload.
    public func planChanges(for catalog: ServiceCatalog) async throws -> any SinkPlan {
        let snapshot = try RuntimeSnapshot(answers: try await client.run(RuntimeSnapshot.queries))
        var ignored: [PlanWarning] = []
        let owned = ownedBackends(in: snapshot, warnings: &ignored)
        let plan = ReconcilePlanner(settings: settings).plan(
            catalog: catalog,
            actual: owned,
            previousAssignments: assignments,
            drains: drains,
            now: now()
        )
        var shown = HAProxyPlan(plan, catalog: catalog, mechanism: .runtimeAPI(settings))
        // A backend HAProxy has but discoveryd may not write is no "missing" backend: adding it would clash.
        for backend in plan.backends where backend.isNewBackend && snapshot.backendNames.contains(backend.backendName) {
            shown.foreignBackends[backend.backendName] =
                settings.runtimeOwnership.reasonNotOwned(backend: backend.backendName, naming: settings.naming)
        }
        return shown
    }

    private func logNewWarnings(_ warnings: [PlanWarning]) {
        for warning in planWarnings.newWarnings(warnings) {
            logger.warning("\(warning)")
        }
    }
}
