/// What a sink would change for a catalog, shown by `discoveryd plan` without being applied.
public protocol SinkPlan: Sendable {
    /// A table for people; ends with a newline.
    var text: String { get }
    /// The same plan as JSON, for tools.
    func json() throws -> String
}

/// A sink that can plan against what its target holds now without writing (`discoveryd plan`).
///
/// The contract: ``planChanges(for:)`` writes nothing, returns what ``Sink/apply(_:options:)`` would do for
/// the same catalog now, and throws when it cannot read the target (never plans from "nothing there").
public protocol ChangePlanningSink: Sink {
    func planChanges(for catalog: ServiceCatalog) async throws -> any SinkPlan
}
