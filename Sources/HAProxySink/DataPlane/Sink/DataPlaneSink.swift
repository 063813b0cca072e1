import Foundation
import Logging
import ProviderKit
import Synchronization

/// Keeps HAProxy's backends in step with the catalog through the Data Plane API (v2 or v3), without
/// reloading HAProxy for scale events.
///
/// ## What it touches
/// Only backends named with the managed prefix **and** carrying the ownership marker
/// (``DataPlaneBackendFormat``). Backends are created, never modified at backend level and never deleted;
/// a vanished service's servers are all put in maintenance at `127.0.0.1:80`.
///
/// ## How a cycle goes
/// 1. `GET /configuration/version`. If it equals the version after this sink's last write, the cached
///    state is still HAProxy's (nobody else wrote) and is used as the actual state; otherwise backends
///    and servers are re-read. A cycle with nothing to do costs this one request.
///    On Data Plane API 3.1+ (asked once through `GET /info`) the re-read is one request for every backend with
///    its servers (`full_section=true`), and a new backend is created with all its slots in one request.
/// 2. ``DataPlanePlanner`` compares desired and actual state; only servers whose fields differ are written.
/// 3. Structural changes (new backends, slots added or removed, `backup` or other non-runtime parameters)
///    go into **one** transaction, committed once (one reload). Filling, freeing or re-addressing an
///    existing slot is a non-transactional `PUT ?version=N` that changes only address, port, maintenance
///    and weight, which the Data Plane API applies through the runtime API: no reload. With
///    ``DataPlaneApplyMode/atomic`` everything goes into the transaction.
/// 4. On 409/406 (someone else wrote) the cycle starts over from a fresh read with a fresh transaction,
///    up to ``maxConflictRetries`` times. Any other failure (5xx, timeout, refused connection) aborts: the
///    open transaction is deleted, the error (with the API's message) is thrown, and the loop backs off.
///    A transaction whose commit failed is deleted as well; none is ever left open.
///
/// ## Graceful drain
/// With `haproxy.drain_seconds` above 0 a departing server is first put in `drain` through the runtime
/// server endpoint (`PUT …/runtime/servers/{name}` with `admin_state: drain`): runtime state only, no
/// configuration change, no version bump, no reload. When the drain ends its slot is freed with the usual
/// runtime-capable `PUT` (`maintenance: enabled`, placeholder address); an instance that came back is made
/// `ready` again the same way it was drained. Because the drain state is not in the configuration and a
/// reload loses it, the sink reads HAProxy's runtime state of every backend with a drain each cycle (and of
/// every backend after a fresh read), so a drain lost to a reload is set again.
///
/// Slot assignments and the snapshot are a cache, updated only after HAProxy accepted the writes, so a
/// failed change is planned again in full next cycle and a fresh sink converges to the same result.
public actor DataPlaneSink: PlanningSink {
    public nonisolated let name = "haproxy-dataplane"
    public nonisolated let client: DataPlaneClient
    public nonisolated let settings: HAProxySinkSettings
    public nonisolated let applyMode: DataPlaneApplyMode
    /// Fresh attempts after a conflict (409/406) before the cycle fails.
    public nonisolated let maxConflictRetries: Int

    private let planner: DataPlanePlanner
    private let logger: Logger
    private var cache: DataPlaneStateCache?
    private var assignments: [String: [InstanceID: String]] = [:]
    /// The drains of the last successful apply, by backend and slot: a cache like `assignments`.
    var drains: [String: [String: SlotDrain]] = [:]
    /// The time drains are judged at; tests inject theirs.
    private let now: @Sendable () -> Date
    /// Warnings already logged; a standing condition (a foreign server in a backend) is logged once, not
    /// every cycle.
    private var planWarnings = WarnOnce<PlanWarning>()
    /// The instances of this apply's changes, for the change lines; set only while an apply writes, when logged.
    private var changeInstances: ServerChangeInstances?
    /// The transaction being filled right now, if any: readable from outside the actor so that an exit
    /// forced by a second signal or the shutdown timeout can still delete it.
    private nonisolated let openTransaction = Mutex<String?>(nil)

    public init(
        client: DataPlaneClient,
        settings: HAProxySinkSettings,
        applyMode: DataPlaneApplyMode = .incremental,
        maxConflictRetries: Int = 3,
        logger: Logger = Logger(label: "discoveryd.haproxy-dataplane"),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.now = now
        self.client = client
        self.settings = settings
        self.applyMode = applyMode
        self.maxConflictRetries = max(0, maxConflictRetries)
        self.planner = DataPlanePlanner(settings: settings)
        self.logger = logger
    }

    /// Releases the HTTP client's resources.
    public func shutdown() async throws {
        try await client.shutdown()
    }

    /// What ``apply(_:options:)`` would do now, read from HAProxy without writing anything.
    public func plan(_ catalog: ServiceCatalog) async throws -> DataPlanePlan {
        let version = try await client.configurationVersion()
        let state = try await currentState(version: version, fullResync: false)
        return planner.plan(
            catalog: catalog,
            snapshot: state,
            previousAssignments: assignments,
            drains: drains,
            runtimeDraining: try await runtimeDraining(in: state, everyBackend: true),
            now: now()
        )
    }

    /// The servers of every backend discoveryd manages, as the Data Plane API has them now. Writes nothing.
    public func readManagedBackends() async throws -> [String: [ServerState]] {
        let version = try await client.configurationVersion()
        let snapshot = try await DataPlaneSnapshot.read(from: client, version: version, naming: settings.naming)
        return DataPlanePlanner.actualServers(
            of: snapshot,
            runtimeDraining: try await runtimeDraining(in: snapshot, everyBackend: true)
        )
    }

    /// Plans as ``apply(_:options:)`` does (parameter drift, unmarked backends), not only from server states.
    public func planAgainstActualState(_ catalog: ServiceCatalog) async throws -> ReconcilePlan {
        try await plan(catalog).reconcile
    }

    @discardableResult
    public func apply(_ catalog: ServiceCatalog, options: ApplyOptions) async throws -> SinkReport {
        let requestsBefore = client.requestCount
        var report = SinkReport()
        var fullResync = options.fullResync
        var attempt = 0
        var excluded: [String: ServiceFailure] = [:]
        while true {
            do {
                try await applyOnce(catalog, fullResync: fullResync, excluding: excluded, report: &report)
                report.requests = client.requestCount - requestsBefore
                report.failures += excluded.values.sorted { $0.target < $1.target }
                report.retries = attempt
                return report
            } catch let failure as BackendWriteFailure where excluded[failure.backend] == nil {
                // One backend HAProxy will not take: leave it out and apply the others in a fresh transaction.
                excluded[failure.backend] = failure.serviceFailure
                cache = nil
                fullResync = true
            } catch let error as DataPlaneError where error.isRetryableConflict {
                cache = nil
                fullResync = true
                guard attempt < maxConflictRetries else {
                    throw DataPlaneError(
                        code: .retriesExhausted,
                        status: error.status,
                        message: "HAProxy's configuration kept changing under discoveryd; gave up after "
                            + "\(attempt + 1) attempts, nothing of the last attempt was applied (last error: "
                            + "\(error.apiMessage))",
                        request: error.request
                    )
                }
                attempt += 1
                logger.notice(
                    "configuration changed concurrently; retrying from a fresh read",
                    metadata: ["attempt": "\(attempt)", "error": "\(error.apiMessage)"]
                )
            } catch {
                cache = nil
                throw error
            }
        }
    }

    // MARK: One attempt

    private func applyOnce(
        _ catalog: ServiceCatalog,
        fullResync: Bool,
        excluding excluded: [String: ServiceFailure],
        report: inout SinkReport
    ) async throws {
        var version = try await client.configurationVersion()
        let cached = !fullResync && cache?.version == version
        let state = try await currentState(version: version, fullResync: fullResync)
        let planTime = now()
        var plan = planner.plan(
            catalog: catalog,
            snapshot: state,
            previousAssignments: assignments,
            drains: drains,
            runtimeDraining: try await runtimeDraining(in: state, everyBackend: !cached),
            now: planTime
        )
        report.revisitAfter = plan.reconcile.revisitAfter(now: planTime)
        logNewWarnings(plan.reconcile.warnings)
        if !excluded.isEmpty {
            plan.reconcile.backends.removeAll { excluded[$0.backendName] != nil }
            for name in excluded.keys { plan.newBackends[name] = nil }
        }
        var keptAssignments = assignments.filter { excluded[$0.key] != nil }
        var keptDrains = drains.filter { excluded[$0.key] != nil }
        report.slots = plan.reconcile.slotUsage(includingNewBackends: true)
        guard !plan.isNoOp else {
            cache = .read(state)
            assignments = plan.reconcile.assignments.merging(keptAssignments) { planned, _ in planned }
            drains = plan.reconcile.drains.merging(keptDrains) { planned, _ in planned }
            return
        }

        logReconciling(plan)
        if logger.logLevel <= .info {
            changeInstances = ServerChangeInstances(
                catalog: catalog, plan: plan.reconcile, previousAssignments: assignments, previousDrains: drains
            )
        }
        defer { changeInstances = nil }
        let fullSection = try await client.supportsFullSection()
        let (transactional, direct, adminStates) = split(plan, fullSection: fullSection)
        if !transactional.isEmpty {
            version = try await commit(transactional, plan: plan, version: version, report: &report)
        }
        var failedDirect: Set<String> = []
        for (backend, change) in direct where !failedDirect.contains(backend) {
            let outcome: DataPlaneWriteOutcome
            do {
                outcome = try await client.replaceServer(
                    DataPlaneServerFormat.server(for: change.target.configured),
                    inBackend: backend,
                    target: .version(version)
                )
            } catch let error as DataPlaneError where error.isBackendSpecific {
                // This backend's other changes wait for the next cycle; the other backends go on.
                failedDirect.insert(backend)
                report.failures.append(
                    ServiceFailure(
                        target: backend,
                        service: plan.reconcile.backends.first { $0.backendName == backend }?.serviceKey,
                        message: error.description
                    )
                )
                continue
            }
            version = outcome.configurationVersion ?? version + 1
            record(change, in: backend, reloaded: outcome.reloaded, transactional: false, report: &report)
        }
        // Drain and its end by a returning instance: runtime state, after the configuration is in place.
        try await setAdminStates(adminStates, plan: plan, failedBackends: &failedDirect, report: &report)

        if failedDirect.isEmpty {
            cache = .applied(state, plan, version: version)
        } else {
            // What was written is not all that was planned: re-read next cycle rather than trust the cache.
            cache = nil
            for backend in failedDirect {
                keptAssignments[backend] = assignments[backend]
                keptDrains[backend] = drains[backend]
            }
            plan.reconcile.backends.removeAll { failedDirect.contains($0.backendName) }
        }
        assignments = plan.reconcile.assignments.merging(keptAssignments.compactMapValues { $0 }) { planned, _ in planned }
        drains = plan.reconcile.drains.merging(keptDrains.compactMapValues { $0 }) { planned, _ in planned }
    }

    /// The actual state at `version`: the cache when nobody wrote since our last write, else a fresh read.
    private func currentState(version: Int, fullResync: Bool) async throws -> DataPlaneSnapshot {
        if !fullResync, let cache, cache.version == version {
            let snapshot = cache.snapshot
            self.cache = .read(snapshot)
            return snapshot
        }
        if let cache, cache.version != version {
            logger.info(
                "HAProxy configuration changed outside discoveryd; re-reading",
                metadata: ["expected_version": "\(cache.version)", "version": "\(version)"]
            )
        }
        let fresh = try await DataPlaneSnapshot.read(from: client, version: version, naming: settings.naming)
        cache = .read(fresh)
        return fresh
    }

    /// A write of the cycle: a backend to create, a backend to create together with its servers (one request
    /// where the API has `full_section`), or a server change of a backend.
    private enum Write {
        case createBackend(name: String, fields: [String: JSONValue])
        case createBackendWithServers(name: String, fields: [String: JSONValue], changes: [ServerChange])
        case server(backend: String, change: ServerChange)
    }

    /// Splits the plan into what goes into the transaction, what is written directly, and the drain states
    /// set at runtime after both.
    private func split(_ plan: DataPlanePlan, fullSection: Bool) -> (
        transactional: [Write], direct: [(String, ServerChange)], adminStates: [AdminStateWrite]
    ) {
        var transactional: [Write] = []
        var direct: [(String, ServerChange)] = []
        var adminStates: [AdminStateWrite] = []
        for backend in plan.reconcile.backends {
            if let fields = plan.newBackends[backend.backendName] {
                if fullSection, backend.changes.allSatisfy({ if case .addSlot = $0 { true } else { false } }) {
                    transactional.append(
                        .createBackendWithServers(name: backend.backendName, fields: fields, changes: backend.changes)
                    )
                    continue
                }
                transactional.append(.createBackend(name: backend.backendName, fields: fields))
                transactional += backend.changes.map { .server(backend: backend.backendName, change: $0) }
                continue
            }
            for change in backend.changes {
                if let write = AdminStateWrite(change, in: backend.backendName) {
                    adminStates.append(write)
                    if write.stateOnly { continue }
                }
                if applyMode == .incremental, change.kind == .runtime, case .updateSlot = change {
                    direct.append((backend.backendName, change))
                } else {
                    transactional.append(.server(backend: backend.backendName, change: change))
                }
            }
        }
        return (transactional, direct, adminStates)
    }

    /// Runs `writes` in one transaction and commits it; returns the version after the commit. Whatever
    /// fails, the transaction is deleted before the error propagates.
    private func commit(_ writes: [Write], plan: DataPlanePlan, version: Int, report: inout SinkReport) async throws
        -> Int
    {
        let transaction = try await client.startTransaction(version: version)
        openTransaction.withLock { $0 = transaction.id }
        defer { openTransaction.withLock { $0 = nil } }
        let target = DataPlaneWriteTarget.transaction(transaction.id)
        var staged: [(backend: String, change: ServerChange)] = []
        var createdBackends: [String] = []
        let outcome: DataPlaneWriteOutcome
        do {
            for write in writes {
                switch write {
                case .createBackend(let name, let fields):
                    logger.info("Creating backend \(name)", metadata: ["backend": "\(name)"])
                    try await BackendWriteFailure.attributing(to: name, plan: plan) {
                        try await client.createBackend(DataPlaneBackend(fields: fields), target: target)
                    }
                    createdBackends.append(name)
                case .createBackendWithServers(let name, let fields, let changes):
                    logger.info("Creating backend \(name)", metadata: ["backend": "\(name)"])
                    // A new backend's changes are the slots it starts with: all of them go in the one request.
                    let servers = changes.map(\.target.configured)
                    try await BackendWriteFailure.attributing(to: name, plan: plan) {
                        try await client.createBackend(DataPlaneBackend(fields: fields), servers: servers, target: target)
                    }
                    createdBackends.append(name)
                    staged += changes.map { (backend: name, change: $0) }
                case .server(let backend, let change):
                    let server = DataPlaneServerFormat.server(for: change.target.configured)
                    try await BackendWriteFailure.attributing(to: backend, plan: plan) {
                        switch change {
                        case .addSlot:
                            try await client.createServer(server, inBackend: backend, target: target)
                        case .updateSlot:
                            try await client.replaceServer(server, inBackend: backend, target: target)
                        case .removeSlot(let removed):
                            try await client.deleteServer(named: removed.name, inBackend: backend, target: target)
                        }
                    }
                    staged.append((backend, change))
                }
            }
            logger.info("Committing transaction \(transaction.id)", metadata: ["transaction_id": "\(transaction.id)"])
            outcome = try await client.commitTransaction(id: transaction.id)
        } catch {
            await client.abort(transaction, because: error, logger: logger)
            throw error
        }
        // Only now, with the commit accepted, do these count as done.
        report.changes += createdBackends.map { "created backend \($0)" }
        for (backend, change) in staged {
            record(change, in: backend, reloaded: false, transactional: true, report: &report)
        }
        if outcome.reloaded { report.reloads += 1 }
        logger.info(
            "committed transaction",
            metadata: [
                "transaction_id": "\(transaction.id)", "writes": "\(writes.count)", "reload": "\(outcome.reloadID ?? "-")",
            ]
        )
        return outcome.configurationVersion ?? version + 1
    }

    /// One line per backend that changes, in the Python daemon's words and fields (`service`, `backend`).
    private func logReconciling(_ plan: DataPlanePlan) {
        for backend in plan.reconcile.backends where !backend.changes.isEmpty {
            let service = backend.serviceKey?.name ?? "-"
            logger.info(
                "Reconciling service \(service) (\(backend.assignments.count) instances) -> backend \(backend.backendName)",
                metadata: ["service": "\(service)", "backend": "\(backend.backendName)"]
            )
        }
    }

    /// Deletes the transaction an apply has open right now, if any, waiting at most `timeout`: for an exit
    /// that cannot wait for the apply to unwind (second signal, shutdown timeout). Best effort.
    public nonisolated func abandonOpenTransaction(timeout: Duration = .seconds(2)) async {
        guard let id = openTransaction.withLock({ $0 }) else { return }
        let client = self.client
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.detached { try await client.deleteTransaction(id: id) }.value }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    private func logNewWarnings(_ warnings: [PlanWarning]) {
        for warning in planWarnings.newWarnings(warnings) {
            logger.warning("\(warning)")
        }
    }

    func record(
        _ change: ServerChange,
        in backend: String,
        reloaded: Bool,
        transactional: Bool,
        report: inout SinkReport
    ) {
        report.serversChanged += 1
        if transactional { report.structuralChanges += 1 } else { report.runtimeChanges += 1 }
        if reloaded { report.reloads += 1 }
        report.count(change)
        report.changes.append("\(backend): \(change)" + (changeInstances?.annotation(for: change, inBackend: backend) ?? ""))
    }
}
