import ProviderKit

/// A sink that can say what a cycle would change, against what HAProxy has now, without changing anything
/// (`discoveryd plan`).
///
/// Both HAProxy sinks conform. The contract:
/// - Neither requirement writes to HAProxy: no server change, no transaction, no reload.
/// - ``planAgainstActualState(_:)`` returns the plan ``Sink/apply(_:options:)`` would carry out for the same
///   catalog now, so what `plan` shows is what the daemon does.
/// - A failure to read HAProxy is thrown, never taken to mean "no backends" (that would plan every service
///   as new).
public protocol PlanningSink: ChangePlanningSink {
    /// The settings the sink plans with (naming, slots, server options).
    var settings: HAProxySinkSettings { get }

    /// The servers of every backend the sink manages (``BackendNaming/isManaged(backendName:)``), as HAProxy
    /// has them now, keyed by backend name.
    func readManagedBackends() async throws -> [String: [ServerState]]

    /// The plan a cycle would carry out for `catalog` now. The default plans with ``ReconcilePlanner`` over
    /// ``readManagedBackends()``; a sink that sees more than ``ServerState`` (the Data Plane sink: parameter
    /// drift, unmarked backends) plans the way its `apply` does.
    func planAgainstActualState(_ catalog: ServiceCatalog) async throws -> ReconcilePlan
}

extension PlanningSink {
    public func planAgainstActualState(_ catalog: ServiceCatalog) async throws -> ReconcilePlan {
        ReconcilePlanner(settings: settings).plan(catalog: catalog, actual: try await readManagedBackends())
    }
}

extension PlanningSink {
    /// `discoveryd plan` sees HAProxy's plan through ProviderKit's ``ChangePlanningSink``.
    public func planChanges(for catalog: ServiceCatalog) async throws -> any SinkPlan {
        try await planAgainstActualState(catalog)
    }
}

extension ReconcilePlan: SinkPlan {
    public var text: String { PlanRenderer.text(self) }
    public func json() throws -> String { try PlanRenderer.json(self) }
}
