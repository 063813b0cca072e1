import ProviderKit

/// `tags:` — which tags put an instance into a service, and which instances take part.
///
/// Keys (defaults in brackets):
/// - `service_name_tag` [`HAProxy:Service:Name`], `service_port_tag` [`HAProxy:Service:Port`],
///   `instance_port_tag` [`HAProxy:Instance:Port`].
/// - `allowlist` [`{}`]: tag → value; an instance must carry every pair.
/// - `denylist` [`{}`]: tag → value; an instance carrying any pair is left out.
public struct TagsSection: Hashable, Sendable, Decodable {
    public var serviceNameTag: String
    public var servicePortTag: String
    public var instancePortTag: String
    public var allowlist: [String: String] = [:]
    public var denylist: [String: String] = [:]

    public init() {
        let defaults = TagNames()
        self.serviceNameTag = defaults.serviceName
        self.servicePortTag = defaults.servicePort
        self.instancePortTag = defaults.instancePort
    }

    public var tagNames: TagNames {
        TagNames(serviceName: serviceNameTag, servicePort: servicePortTag, instancePort: instancePortTag)
    }

    public var filter: TagFilter {
        TagFilter(allowlist: allowlist, denylist: denylist)
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case serviceNameTag = "service_name_tag"
        case servicePortTag = "service_port_tag"
        case instancePortTag = "instance_port_tag"
        case allowlist
        case denylist
    }

    public init(from decoder: any Decoder) throws {
        self.init()
        let container = try decoder.strictContainer(keyedBy: CodingKeys.self)
        self.serviceNameTag = try container.decodeNonEmptyString(
            forKey: .serviceNameTag, default: serviceNameTag, expected: "a tag name")
        self.servicePortTag = try container.decodeNonEmptyString(
            forKey: .servicePortTag, default: servicePortTag, expected: "a tag name")
        self.instancePortTag = try container.decodeNonEmptyString(
            forKey: .instancePortTag, default: instancePortTag, expected: "a tag name")
        self.allowlist = try container.decode([String: String].self, forKey: .allowlist, default: [:])
        self.denylist = try container.decode([String: String].self, forKey: .denylist, default: [:])
    }
}
