import Foundation
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
        ReconcilePlanner(settings: settings).plan(catalog: catalog, actual: try await readManagedBackends(), now: Date())
    }
}

extension PlanningSink {
    /// `discoveryd plan` sees HAProxy's plan through ProviderKit's ``ChangePlanningSink``, described the
    /// way the Data Plane API carries it out; the Runtime API sink describes its own.
    public func planChanges(for catalog: ServiceCatalog) async throws -> any SinkPlan {
        HAProxyPlan(try await planAgainstActualState(catalog), catalog: catalog, mechanism: .dataPlane)
    }
}

/// A ``ReconcilePlan`` as `discoveryd plan` shows it: described for the sink that would carry it out, with
/// the instances named.
public struct HAProxyPlan: SinkPlan, Hashable {
    public var plan: ReconcilePlan
    public var mechanism: PlanRenderer.Mechanism
    public var names: InstanceNames
    public var offlineTarget: String?
    /// Runtime API sink: backends HAProxy has under a planned name that are not discoveryd's, with the
    /// reason; the apply fails on them as on a missing backend, but their fix is not to add them.
    public var foreignBackends: [String: String] = [:]

    public init(
        _ plan: ReconcilePlan,
        catalog: ServiceCatalog,
        mechanism: PlanRenderer.Mechanism,
        offlineTarget: String? = nil
    ) {
        self.plan = plan
        self.mechanism = mechanism
        self.names = InstanceNames(catalog)
        self.offlineTarget = offlineTarget
    }

    public var text: String {
        PlanRenderer.text(plan, mechanism: mechanism, names: names, foreignBackends: foreignBackends)
    }

    public func naming(_ instances: [Instance]) -> any SinkPlan {
        var named = self
        named.names.add(instances)
        return named
    }
    public func json(basis: PlanBasis) throws -> String {
        try PlanRenderer.json(plan, mechanism: mechanism, names: names, foreignBackends: foreignBackends, basis: basis)
    }

    /// The Runtime API sink fails on a backend HAProxy lacks; the Data Plane sink creates it.
    public var applyWouldFail: Bool {
        guard case .runtimeAPI = mechanism else { return false }
        return plan.backends.contains(where: \.isNewBackend)
    }
}

extension PlanningSink {
    /// Every server of the managed backends that takes traffic: not in maintenance, not a free slot, and not
    /// draining. A draining server's instance already left in an answer that was taken; counting it as live
    /// would make a restart's first answer look like it drains that server again, and could hold a good
    /// answer for a server that is on its way out anyway.
    public func servingAddresses() async throws -> Set<ServingAddress> {
        var serving: Set<ServingAddress> = []
        for servers in try await readManagedBackends().values {
            for server in servers where !server.maintenance && !server.draining {
                serving.insert(ServingAddress(address: server.address, port: server.port))
            }
        }
        return serving
    }
}

extension RuntimeAPISink: ServingStateReporting {}
extension DataPlaneSink: ServingStateReporting {}
