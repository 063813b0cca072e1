/// A kind of sink as the daemon sees it: the top-level section it reads, when the file selects it, the rules
/// the section must meet for it, and how to build it. Registering a kind is one line in
/// `Sources/discoveryd/Daemon/Registry.swift`; the first registered kind that ``isSelected(by:)`` is used.
///
/// The contract:
/// - Several kinds may read the same section (both HAProxy sinks read `haproxy:`); they then use the same
///   `Section` type, decoded once. The section is optional in the file: kinds get `nil` when it is absent.
/// - ``validate(_:)`` holds the rules only this sink needs (the Data Plane API needs a password); it runs
///   when the file is loaded for running or validating, not for `plan --offline`, which needs no sink.
/// - ``makeSink(from:context:)`` constructs only; it does not connect.
public protocol SinkKind: Sendable {
    associatedtype Section: Decodable & Sendable

    /// For messages and the summary, e.g. `HAProxy Runtime API`.
    static var name: String { get }

    /// The top-level key of the section this sink reads, e.g. `haproxy`.
    static var sectionKey: String { get }

    /// Whether the file chooses this sink.
    static func isSelected(by section: Section?) -> Bool

    /// The checks of this sink beyond the section's own decoding; throws ``ConfigurationError``.
    static func validate(_ section: Section?) throws

    static func makeSink(from section: Section?, context: WiringContext) throws -> any Sink

    /// Where changes go, for `--validate` and the startup log.
    static func summary(of section: Section?) -> String

    /// The plan a cycle would carry out against an empty target, for `plan --offline`: it needs no sink
    /// settings (a missing section plans with the defaults) and touches nothing. `nil` when the sink cannot plan.
    static func planOffline(_ catalog: ServiceCatalog, section: Section?) throws -> (any SinkPlan)?
}

extension SinkKind {
    public static func validate(_ section: Section?) throws {}
    public static func planOffline(_ catalog: ServiceCatalog, section: Section?) throws -> (any SinkPlan)? { nil }
}
