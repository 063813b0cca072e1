import ProviderKit

/// A write the API refused for one backend (4xx other than a conflict): the sink leaves that backend out and
/// applies the others, reporting it as a ``ServiceFailure``.
struct BackendWriteFailure: Error {
    var backend: String
    var serviceFailure: ServiceFailure

    /// Runs `write`; a backend-specific refusal becomes a failure of `backend`, anything else passes through.
    static func attributing(
        to backend: String,
        plan: DataPlanePlan,
        isolation: isolated (any Actor)? = #isolation,
        _ write: () async throws -> Void
    ) async throws {
        do {
            try await write()
        } catch let error as DataPlaneError where error.isBackendSpecific {
            throw BackendWriteFailure(
                backend: backend,
                serviceFailure: ServiceFailure(
                    target: backend,
                    service: plan.reconcile.backends.first { $0.backendName == backend }?.serviceKey,
                    message: error.description
                )
            )
        }
    }
}

extension DataPlaneError {
    /// A refusal that concerns what was written to one backend (400, 404, 422 ...), not the API as a whole
    /// (authentication, conflicts, server errors, transport).
    var isBackendSpecific: Bool {
        code == .badRequest || code == .notFound
    }
}
