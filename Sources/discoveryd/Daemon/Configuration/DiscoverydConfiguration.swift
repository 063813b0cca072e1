import Foundation
import ProviderKit

/// The whole configuration file: the daemon's own sections (`tags`, `polling`, `logging`), one section per
/// registered provider kind (`azure`, `static`), and the sections the registered sinks read (`haproxy`).
///
/// Load it with ``ConfigurationLoader``; every section is optional except that at least one provider
/// must be configured. The format is the existing Python daemon's, so its files load unchanged.
public struct DiscoverydConfiguration: Sendable, Decodable {
    public var tags = TagsSection()
    public var polling = PollingSection()
    public var logging = LoggingSection()
    /// The provider sections of the file, in registration order.
    public var providers: [ConfiguredProviders] = []
    /// The sink the file selects, with the section it reads.
    public var sink: ConfiguredSink
    /// Every sink section of the file by key, decoded once even when several sink kinds read it.
    public var sinkSections: [String: any Sendable] = [:]

    /// The daemon's own top-level keys; provider and sink keys come from the ``Registry``.
    enum CodingKeys: String, CodingKey, CaseIterable {
        case tags
        case polling
        case logging
    }

    /// Decodes with the registry and options the loader puts in `userInfo`.
    public init(from decoder: any Decoder) throws {
        let options = decoder.userInfo[DecodingOptions.userInfoKey] as? DecodingOptions ?? DecodingOptions()
        let registry = options.registry
        let providerKeys = registry.providerKinds.map { $0.key }
        let sinkKeys = registry.sinkKinds.map { $0.sectionKey }.uniqued()
        let validKeys = CodingKeys.allCases.map(\.stringValue) + providerKeys + sinkKeys
        let container = try decoder.container(keyedBy: AnyConfigurationKey.self)
        for key in container.allKeys where !validKeys.contains(key.stringValue) {
            throw ConfigurationError.unknownKey(key.stringValue, at: decoder.codingPath, validKeys: validKeys)
        }

        for kind in registry.providerKinds {
            if let configured = try ConfiguredProviders.decode(kind, from: container) {
                providers.append(configured)
            }
        }
        tags = try container.decode(TagsSection.self, forKey: AnyConfigurationKey("tags"), default: TagsSection())
        for kind in registry.sinkKinds where sinkSections[kind.sectionKey] == nil {
            if let section = try ConfiguredSink.decodeSection(kind, from: container) {
                sinkSections[kind.sectionKey] = section
            }
        }
        polling = try container.decode(PollingSection.self, forKey: AnyConfigurationKey("polling"), default: PollingSection())
        logging = try container.decode(LoggingSection.self, forKey: AnyConfigurationKey("logging"), default: LoggingSection())

        guard !providers.isEmpty else {
            let choices = registry.providerKinds.map { kind in
                let article = kind.key.first.map { "aeiou".contains($0) } == true ? "an" : "a"
                return "\(article) \"\(kind.key)\" section (\(kind.example))"
            }
            throw ConfigurationError(
                code: .noProvider,
                message: "no provider configured; add \(choices.joined(separator: " or "))"
            )
        }
        let sections = sinkSections
        guard let sink = registry.sinkKinds.lazy.compactMap({ ConfiguredSink.select($0, sections: sections) }).first else {
            throw ConfigurationError(code: .missingKey, message: "no sink selected; add a \(sinkKeys.first ?? "sink") section")
        }
        self.sink = sink
        if options.requiresSinkSettings {
            try sink.validate()
        }
    }

    /// The decoded section of a provider kind, `nil` when the file has none.
    public func section<Kind: ProviderKind>(of kind: Kind.Type) -> Kind.Section? {
        providers.lazy.compactMap { $0.section as? Kind.Section }.first
    }

    /// The decoded sink section under `key`, `nil` when the file has none.
    public func sinkSection<Section>(_ type: Section.Type, key: String) -> Section? {
        sinkSections[key] as? Section
    }

    /// One line for `--validate` and the startup log: what will be watched and where it goes.
    public var summary: String {
        "\(providers.map(\.summary).joined(separator: " + ")) -> \(sink.summary); "
            + "every \(polling.intervalSeconds.formattedSeconds)s"
    }

    /// What the loader passes to decoding besides the file.
    public struct DecodingOptions: Sendable {
        static let userInfoKey = CodingUserInfoKey(rawValue: "discoveryd.configuration.options")!

        public var registry: Registry
        /// `false` for `plan --offline`, which builds no sink: its rules (a password) are not checked.
        public var requiresSinkSettings: Bool

        public init(registry: Registry = .standard, requiresSinkSettings: Bool = true) {
            self.registry = registry
            self.requiresSinkSettings = requiresSinkSettings
        }
    }
}

/// The providers of one kind's section, with what the daemon needs from them without knowing the kind.
public struct ConfiguredProviders: Sendable {
    public var key: String
    /// The kind's decoded `Section`.
    public var section: any Sendable
    public var summary: String
    private var make: @Sendable (WiringContext) throws -> [any Provider]

    public func makeProviders(context: WiringContext) throws -> [any Provider] {
        try make(context)
    }

    static func decode<Kind: ProviderKind>(
        _ kind: Kind.Type,
        from container: KeyedDecodingContainer<AnyConfigurationKey>
    ) throws -> Self? {
        guard let section = try container.decodeIfPresent(Kind.Section.self, forKey: AnyConfigurationKey(Kind.key)),
            Kind.isConfigured(section)
        else { return nil }
        return Self(
            key: Kind.key,
            section: section,
            summary: Kind.summary(of: section),
            make: { context in try Kind.makeProviders(from: section, context: context) }
        )
    }
}

/// The selected sink kind with its section, usable without knowing the kind.
public struct ConfiguredSink: Sendable {
    public var name: String
    public var summary: String
    private var validateSection: @Sendable () throws -> Void
    private var make: @Sendable (WiringContext) throws -> any Sink
    private var offlinePlanner: @Sendable (ServiceCatalog) throws -> (any SinkPlan)?

    public func validate() throws { try validateSection() }

    public func makeSink(context: WiringContext) throws -> any Sink { try make(context) }

    /// The plan into an empty target (`plan --offline`), `nil` when the sink cannot plan.
    public func planOffline(_ catalog: ServiceCatalog) throws -> (any SinkPlan)? { try offlinePlanner(catalog) }

    static func decodeSection<Kind: SinkKind>(
        _ kind: Kind.Type,
        from container: KeyedDecodingContainer<AnyConfigurationKey>
    ) throws -> Kind.Section? {
        try container.decodeIfPresent(Kind.Section.self, forKey: AnyConfigurationKey(Kind.sectionKey))
    }

    static func select<Kind: SinkKind>(_ kind: Kind.Type, sections: [String: any Sendable]) -> Self? {
        let section = sections[Kind.sectionKey] as? Kind.Section
        guard Kind.isSelected(by: section) else { return nil }
        return Self(
            name: Kind.name,
            summary: Kind.summary(of: section),
            validateSection: { try Kind.validate(section) },
            make: { context in try Kind.makeSink(from: section, context: context) },
            offlinePlanner: { catalog in try Kind.planOffline(catalog, section: section) }
        )
    }
}

extension Array where Element: Hashable {
    fileprivate func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
