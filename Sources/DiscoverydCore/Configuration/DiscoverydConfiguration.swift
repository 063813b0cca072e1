import Foundation
import HAProxySink

/// The whole configuration file: providers (`azure`, `static`), how instances become services
/// (`tags`), where they go (`haproxy`), and how the daemon behaves (`polling`, `logging`).
///
/// Load it with ``ConfigurationLoader``; every section is optional except that at least one provider
/// must be configured. The format is the existing Python daemon's, so its files load unchanged.
public struct DiscoverydConfiguration: Hashable, Sendable, Decodable {
    public var azure: AzureSection?
    public var tags = TagsSection()
    public var haproxy = HAProxySection()
    public var polling = PollingSection()
    public var logging = LoggingSection()
    /// Every `static` file, in the order written.
    public var staticFiles: [StaticSection] = []

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case azure
        case tags
        case haproxy
        case polling
        case logging
        case `static`
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.strictContainer(keyedBy: CodingKeys.self)
        self.azure = try container.decodeIfPresent(AzureSection.self, forKey: .azure)
        self.tags = try container.decode(TagsSection.self, forKey: .tags, default: TagsSection())
        self.haproxy = try container.decode(HAProxySection.self, forKey: .haproxy, default: HAProxySection())
        self.polling = try container.decode(PollingSection.self, forKey: .polling, default: PollingSection())
        self.logging = try container.decode(LoggingSection.self, forKey: .logging, default: LoggingSection())
        self.staticFiles = try container.decodeIfPresent(OneOrMany<StaticSection>.self, forKey: .static)?.elements ?? []

        guard azure != nil || !staticFiles.isEmpty else {
            throw ConfigurationError(
                code: .noProvider,
                message: "no provider configured; add an \"azure\" section (subscription_id: ...) "
                    + "or a \"static\" section (path: instances.yaml)"
            )
        }
        if haproxy.runtimeSocket == nil, haproxy.password == nil {
            throw ConfigurationError.missingKey(
                ConfigurationKeyPath([.key("haproxy"), .key("password")]),
                hint: "the Data Plane API needs it (e.g. password: ${HAPROXY_DATAPLANE_PASSWORD}); "
                    + "or set haproxy.runtime_socket to use the Runtime API instead"
            )
        }
    }

    /// One line for `--validate` and the startup log: what will be watched and where it goes.
    public var summary: String {
        var providers: [String] = []
        if let azure {
            providers.append(
                "\(azure.subscriptionIDs.count) Azure subscription\(azure.subscriptionIDs.count == 1 ? "" : "s")")
        }
        if !staticFiles.isEmpty {
            providers.append("\(staticFiles.count) static file\(staticFiles.count == 1 ? "" : "s")")
        }
        let sink: String
        if let socket = haproxy.runtimeSocket {
            sink = "HAProxy Runtime API at \(socket)"
        } else {
            sink = "HAProxy Data Plane API \(haproxy.apiVersion.rawValue) at \(DataPlaneClientConfiguration.redacting(haproxy.baseURL.absoluteString))"
        }
        let slots = haproxy.serverSlots
        return "\(providers.joined(separator: " + ")) -> \(sink); slots base \(slots.base) "
            + "(\(slots.growthType.rawValue) x\(slots.growthFactor)); every \(polling.intervalSeconds.formattedSeconds)s"
    }
}
