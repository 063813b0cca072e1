/// A kind of provider as the daemon sees it: one top-level configuration key, its section, and how to turn
/// the section into providers. Registering a kind is one line in `Sources/discoveryd/Daemon/Registry.swift`.
///
/// The contract:
/// - ``key`` is unique among the registered provider kinds, sink sections and the daemon's own sections.
/// - `Section`'s `init(from:)` decodes strictly (``Swift/Decoder/strictContainer(keyedBy:)``) and throws
///   ``ConfigurationError`` naming the key and the fix; it is the only place that validates the section, so a
///   section that decoded builds providers without further checks of the same values.
/// - ``makeProviders(from:context:)`` constructs only; it does not talk to the network.
public protocol ProviderKind: Sendable {
    /// The section's decoded form: decoded once, while the file is loaded.
    associatedtype Section: Decodable & Sendable

    /// The top-level key of the configuration file, e.g. `azure`, `static`.
    static var key: String { get }

    /// How to start a section, for the "no provider configured" message, e.g. `subscription_id: ...`.
    static var example: String { get }

    /// Whether a decoded section configures at least one provider (`static: []` does not).
    static func isConfigured(_ section: Section) -> Bool

    /// The providers the section describes (one per subscription, one per file …).
    static func makeProviders(from section: Section, context: WiringContext) throws -> [any Provider]

    /// What the section watches, for `--validate` and the startup log, e.g. `2 Azure subscriptions`.
    static func summary(of section: Section) -> String
}

extension ProviderKind {
    public static func isConfigured(_ section: Section) -> Bool { true }
}
