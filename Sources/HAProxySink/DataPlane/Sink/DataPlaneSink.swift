import Logging
import ProviderKit

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
    private var snapshot: DataPlaneSnapshot?
    private var assignments: [String: [InstanceID: String]] = [:]
    /// Warnings already logged; a standing condition (a foreign server in a backend) is logged once, not
    /// every cycle.
    private var planWarnings = WarnOnce<PlanWarning>()

    public init(
        client: DataPlaneClient,
        settings: HAProxySinkSettings,
        applyMode: DataPlaneApplyMode = .incremental,
        maxConflictRetries: Int = 3,
        logger: Logger = Logger(label: "discoveryd.haproxy-dataplane")
    ) {
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
        return planner.plan(catalog: catalog, snapshot: state, previousAssignments: assignments)
    }

    /// The servers of every backend discoveryd manages, as the Data Plane API has them now. Writes nothing.
    public func readManagedBackends() async throws -> [String: [ServerState]] {
        let version = try await client.configurationVersion()
        let snapshot = try await DataPlaneSnapshot.read(from: client, version: version, naming: settings.naming)
        return snapshot.servers.mapValues { $0.map(DataPlaneServerFormat.state(of:)) }
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
        while true {
            do {
                try await applyOnce(catalog, fullResync: fullResync, report: &report)
                report.requests = client.requestCount - requestsBefore
                return report
            } catch let error as DataPlaneError where error.isRetryableConflict {
                snapshot = nil
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
                snapshot = nil
                throw error
            }
        }
    }

    // MARK: One attempt

    private func applyOnce(_ catalog: ServiceCatalog, fullResync: Bool, report: inout SinkReport) async throws {
        var version = try await client.configurationVersion()
        let state = try await currentState(version: version, fullResync: fullResync)
        let plan = planner.plan(catalog: catalog, snapshot: state, previousAssignments: assignments)
        logNewWarnings(plan.reconcile.warnings)
        guard !plan.isNoOp else {
            snapshot = state
            assignments = plan.reconcile.assignments
            return
        }

        logReconciling(plan)
        let (transactional, direct) = split(plan)
        if !transactional.isEmpty {
            version = try await commit(transactional, plan: plan, version: version, report: &report)
        }
        for (backend, change) in direct {
            let outcome = try await client.replaceServer(
                DataPlaneServerFormat.server(for: change.target),
                inBackend: backend,
                target: .version(version)
            )
            version = outcome.configurationVersion ?? version + 1
            record(change, in: backend, reloaded: outcome.reloaded, report: &report)
        }

        snapshot = state.applying(plan, version: version)
        assignments = plan.reconcile.assignments
    }

    /// The actual state at `version`: the cache when nobody wrote since our last write, else a fresh read.
    private func currentState(version: Int, fullResync: Bool) async throws -> DataPlaneSnapshot {
        if !fullResync, let snapshot, snapshot.version == version {
            return snapshot
        }
        if let snapshot, snapshot.version != version {
            logger.info(
                "HAProxy configuration changed outside discoveryd; re-reading",
                metadata: ["expected_version": "\(snapshot.version)", "version": "\(version)"]
            )
        }
        let fresh = try await DataPlaneSnapshot.read(from: client, version: version, naming: settings.naming)
        snapshot = fresh
        return fresh
    }

    /// A write of the cycle: a backend to create, or a server change of a backend.
    private enum Write {
        case createBackend(name: String, fields: [String: JSONValue])
        case server(backend: String, change: ServerChange)
    }

    /// Splits the plan into what goes into the transaction and what is written directly.
    private func split(_ plan: DataPlanePlan) -> (transactional: [Write], direct: [(String, ServerChange)]) {
        var transactional: [Write] = []
        var direct: [(String, ServerChange)] = []
        for backend in plan.reconcile.backends {
            if let fields = plan.newBackends[backend.backendName] {
                transactional.append(.createBackend(name: backend.backendName, fields: fields))
                transactional += backend.changes.map { .server(backend: backend.backendName, change: $0) }
                continue
            }
            for change in backend.changes {
                if applyMode == .incremental, change.kind == .runtime, case .updateSlot = change {
                    direct.append((backend.backendName, change))
                } else {
                    transactional.append(.server(backend: backend.backendName, change: change))
                }
            }
        }
        return (transactional, direct)
    }

    /// Runs `writes` in one transaction and commits it; returns the version after the commit. Whatever
    /// fails, the transaction is deleted before the error propagates.
    private func commit(_ writes: [Write], plan: DataPlanePlan, version: Int, report: inout SinkReport) async throws
        -> Int
    {
        let transaction = try await client.startTransaction(version: version)
        let target = DataPlaneWriteTarget.transaction(transaction.id)
        var staged: [(backend: String, change: ServerChange)] = []
        var createdBackends: [String] = []
        let outcome: DataPlaneWriteOutcome
        do {
            for write in writes {
                switch write {
                case .createBackend(let name, let fields):
                    logger.info("Creating backend \(name)", metadata: ["backend": "\(name)"])
                    try await client.createBackend(DataPlaneBackend(fields: fields), target: target)
                    createdBackends.append(name)
                case .server(let backend, let change):
                    let server = DataPlaneServerFormat.server(for: change.target)
                    switch change {
                    case .addSlot:
                        try await client.createServer(server, inBackend: backend, target: target)
                    case .updateSlot:
                        try await client.replaceServer(server, inBackend: backend, target: target)
                    case .removeSlot(let removed):
                        try await client.deleteServer(named: removed.name, inBackend: backend, target: target)
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
            record(change, in: backend, reloaded: false, report: &report)
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

    private func logNewWarnings(_ warnings: [PlanWarning]) {
        for warning in planWarnings.newWarnings(warnings) {
            logger.warning("\(warning)")
        }
    }

    private func record(_ change: ServerChange, in backend: String, reloaded: Bool, report: inout SinkReport) {
        report.serversChanged += 1
        if reloaded { report.reloads += 1 }
        report.changes.append("\(backend): \(change)")
    }
}
