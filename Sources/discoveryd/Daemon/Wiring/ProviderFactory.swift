import ProviderKit

/// Builds the providers a configuration asks for, in a stable order (static files, then Azure
/// subscriptions, each in file order).
///
/// **Adding a provider kind** is one entry here: write its configuration section, then a
/// ``ProviderBuilder`` in a file next to this one (see `StaticProviderBuilder.swift`) and append it
/// to ``builders``.
public enum ProviderFactory {
    public static let builders: [ProviderBuilder] = [
        .staticFile,
        .azure,
    ]

    public static func makeProviders(
        for configuration: DiscoverydConfiguration,
        context: WiringContext
    ) throws -> [any Provider] {
        try builders.flatMap { try $0.make(configuration, context) }
    }
}

/// Turns one kind of configuration section into providers (none when the section is absent).
public struct ProviderBuilder: Sendable {
    /// For messages: `static`, `azure`.
    public var kind: String
    public var make: @Sendable (DiscoverydConfiguration, WiringContext) throws -> [any Provider]

    public init(kind: String, make: @escaping @Sendable (DiscoverydConfiguration, WiringContext) throws -> [any Provider]) {
        self.kind = kind
        self.make = make
    }
}
