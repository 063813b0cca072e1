import Logging

/// Takes over backends another tool made with discoveryd's naming scheme (`discoveryd adopt`): reads them,
/// plans with ``AdoptionPlan`` and writes the plan in **one** transaction (one reload), or nothing at all.
///
/// It never touches a backend that already carries the marker or does not follow the naming scheme, never
/// moves, re-addresses, drains or disables a live server, and leaves no transaction open: if anything fails
/// the transaction is deleted and HAProxy keeps its configuration as it was.
public struct DataPlaneAdopter: Sendable {
    public let client: DataPlaneClient
    public let settings: HAProxySinkSettings
    private let logger: Logger

    public init(client: DataPlaneClient, settings: HAProxySinkSettings, logger: Logger) {
        self.client = client
        self.settings = settings
        self.logger = logger
    }

    /// What adopting would change now; writes nothing.
    public func plan() async throws -> AdoptionPlan {
        let version = try await client.configurationVersion()
        let backends = try await client.backends()
        var servers: [String: [DataPlaneServer]] = [:]
        for candidate in AdoptionPlan.candidates(among: backends, naming: settings.naming) {
            servers[candidate.name] = try await client.servers(inBackend: candidate.name)
        }
        return AdoptionPlan.make(version: version, backends: backends, servers: servers, settings: settings)
    }

    /// Writes `plan` in one transaction started at the plan's version. A configuration that changed since
    /// the plan was read makes the transaction fail (409/406) and nothing is written.
    /// - Returns: whether HAProxy reloaded (the commit queued a reload).
    @discardableResult
    public func adopt(_ plan: AdoptionPlan) async throws -> Bool {
        guard !plan.isEmpty else { return false }
        let transaction = try await client.startTransaction(version: plan.version)
        let target = DataPlaneWriteTarget.transaction(transaction.id)
        do {
            for backend in plan.backends {
                logger.info("Adopting backend \(backend.name)", metadata: ["backend": "\(backend.name)"])
                try await client.replaceBackend(backend.marked, target: target)
                for rewrite in backend.rewrites {
                    try await client.replaceServer(
                        DataPlaneServerFormat.server(for: rewrite.after),
                        inBackend: backend.name,
                        target: target
                    )
                }
            }
            logger.info("Committing transaction \(transaction.id)", metadata: ["transaction_id": "\(transaction.id)"])
            let outcome = try await client.commitTransaction(id: transaction.id)
            return outcome.reloaded
        } catch {
            await client.abort(transaction, because: error, logger: logger)
            if let failure = error as? DataPlaneError, failure.isRetryableConflict {
                throw DataPlaneError(
                    code: failure.code,
                    status: failure.status,
                    message: "HAProxy's configuration changed while adopting; nothing was changed. Run "
                        + "discoveryd adopt again (last error: \(failure.apiMessage))",
                    request: failure.request
                )
            }
            throw error
        }
    }
}
