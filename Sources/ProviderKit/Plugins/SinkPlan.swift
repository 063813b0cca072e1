/// What a sink would change for a catalog, shown by `discoveryd plan` without being applied.
///
/// The contract: the plan speaks of what **this** sink would do (a sink that cannot reload never
/// mentions reloads), and ``applyWouldFail`` is `true` exactly when applying it now would end in an error,
/// so `discoveryd plan` can exit non-zero before anything is written.
public protocol SinkPlan: Sendable {
    /// A table for people; ends with a newline.
    var text: String { get }
    /// The same plan as JSON, for tools: one object whose top-level keys are the same for every sink
    /// (`basis` gives the sink-independent ones), so a tool can read any sink's plan.
    func json(basis: PlanBasis) throws -> String
    /// Applying this plan now would fail (for example a backend the sink cannot create).
    var applyWouldFail: Bool { get }
    /// What an offline plan was made against, for the `plan` header; `nil` means "an empty target".
    var offlineTarget: String? { get }
    /// The same plan, told also about instances the catalog left out (stopped, untagged), so that a slot
    /// such an instance still holds can be shown with its name.
    func naming(_ instances: [Instance]) -> any SinkPlan
}

extension SinkPlan {
    public var applyWouldFail: Bool { false }
    public var offlineTarget: String? { nil }
    public func naming(_ instances: [Instance]) -> any SinkPlan { self }
}

/// A sink that can plan against what its target holds now without writing (`discoveryd plan`).
///
/// The contract: ``planChanges(for:)`` writes nothing, returns what ``Sink/apply(_:options:)`` would do for
/// the same catalog now, and throws when it cannot read the target (never plans from "nothing there").
public protocol ChangePlanningSink: Sink {
    func planChanges(for catalog: ServiceCatalog) async throws -> any SinkPlan
}
