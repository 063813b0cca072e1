import Foundation
import HTTPSupport
import ProviderKit

/// `azure:` — discover VMs and scale-set instances in one or more subscriptions.
///
/// Keys (defaults in brackets):
/// - `subscription_id`: a string, or a list of strings; one Azure provider per subscription. Required.
/// - `resource_groups` [`[]`]: limit discovery to these groups; empty means the whole subscription.
/// - `credential_type` [`default`]: `default|client_secret|managed_identity|workload_identity|azure_cli`.
/// - `tenant_id`, `client_id`, `client_secret`: else `AZURE_TENANT_ID`, `AZURE_CLIENT_ID`,
///   `AZURE_CLIENT_SECRET` from the environment. The secret is never logged.
/// - `cloud` [`AzurePublic`]: `AzurePublic|AzureUSGovernment|AzureChina`, or
///   `{resource_manager: URL, authority_host: URL}`.
/// - `ca_file` [none]: extra trusted CA PEM file for the Azure endpoints.
/// - `address` [`private`]: `private|public`, which address servers point at.
public struct AzureSection: Hashable, Sendable, Decodable {
    public var subscriptionIDs: [String]
    public var resourceGroups: [String] = []
    public var credentialType: AzureProviderConfiguration.CredentialKind = .default
    public var tenantID: String?
    public var clientID: String?
    public var clientSecret: Secret?
    public var cloud: AzureCloudEndpoints = .azurePublic
    public var caFile: String?
    public var address: AzureProviderConfiguration.AddressPreference = .private

    public init(subscriptionIDs: [String]) {
        self.subscriptionIDs = subscriptionIDs
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case subscriptionID = "subscription_id"
        case resourceGroups = "resource_groups"
        case credentialType = "credential_type"
        case tenantID = "tenant_id"
        case clientID = "client_id"
        case clientSecret = "client_secret"
        case cloud
        case caFile = "ca_file"
        case address
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.strictContainer(keyedBy: CodingKeys.self)
        let context = decoder.configurationContext

        guard let subscriptions = try container.decodeIfPresent(OneOrMany<String>.self, forKey: .subscriptionID) else {
            throw ConfigurationError.missingKey(
                ConfigurationKeyPath(container.codingPath + [CodingKeys.subscriptionID]),
                hint: "set it to a subscription id or a list of them (e.g. ${AZURE_SUBSCRIPTION_ID})"
            )
        }
        try container.require(
            !subscriptions.elements.isEmpty,
            .subscriptionID,
            value: "[]",
            expected: "at least one subscription id"
        )
        for (index, subscription) in subscriptions.elements.enumerated()
        where subscription.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ConfigurationError.invalidValue(
                at: ConfigurationKeyPath(container.codingPath + [CodingKeys.subscriptionID])
                    .appending(subscriptions.isList ? .index(index) : nil),
                value: "\"\(subscription)\"",
                expected: "a subscription id (is the environment variable empty?)"
            )
        }
        let duplicates = Dictionary(grouping: subscriptions.elements, by: { $0.lowercased() }).filter { $0.value.count > 1 }
        try container.require(
            duplicates.isEmpty,
            .subscriptionID,
            value: "\"\(duplicates.keys.sorted().first ?? "")\" (listed twice)",
            expected: "each subscription id once"
        )
        self.subscriptionIDs = subscriptions.elements
        self.resourceGroups = try container.decode([String].self, forKey: .resourceGroups, default: [])
        self.credentialType = try container.decode(AzureProviderConfiguration.CredentialKind.self, forKey: .credentialType, default: .default)
        self.tenantID = try container.decodeIfPresent(String.self, forKey: .tenantID)
            ?? context.environment["AZURE_TENANT_ID"].nonEmpty
        self.clientID = try container.decodeIfPresent(String.self, forKey: .clientID)
            ?? context.environment["AZURE_CLIENT_ID"].nonEmpty
        self.clientSecret = try container.decodeIfPresent(Secret.self, forKey: .clientSecret)
            ?? context.environment["AZURE_CLIENT_SECRET"].nonEmpty.map(Secret.init)
        self.cloud = try container.decode(AzureCloudEndpoints.self, forKey: .cloud, default: .azurePublic)
        self.caFile = try container.decodePathIfPresent(forKey: .caFile, decoder: context)
        self.address = try container.decode(AzureProviderConfiguration.AddressPreference.self, forKey: .address, default: .private)

        if credentialType == .clientSecret {
            for (key, present, variable) in [
                (CodingKeys.tenantID, tenantID != nil, "AZURE_TENANT_ID"),
                (.clientID, clientID != nil, "AZURE_CLIENT_ID"),
                (.clientSecret, clientSecret != nil, "AZURE_CLIENT_SECRET"),
            ] where !present {
                throw ConfigurationError.missingKey(
                    ConfigurationKeyPath(container.codingPath + [key]),
                    hint: "credential_type client_secret needs it; set it here or in \(variable)"
                )
            }
        }
    }
}

extension AzureCloudEndpoints: Decodable {
    /// `azure.cloud`: a cloud's name (``named(_:)``), or `{resource_manager: URL, authority_host: URL}`.
    public init(from decoder: any Decoder) throws {
        if let name = try? decoder.singleValueContainer().decode(String.self) {
            guard let cloud = try? Self.named(name) else {
                throw ConfigurationError.invalidValue(
                    at: decoder.codingPath,
                    value: "\"\(name)\"",
                    expected: "AzurePublic, AzureUSGovernment, AzureChina, "
                        + "or a mapping {resource_manager: URL, authority_host: URL}"
                )
            }
            self = cloud
            return
        }
        let container = try decoder.strictContainer(keyedBy: CloudCodingKeys.self)
        self = try Self.custom(
            resourceManager: container.decodeHTTPSURL(forKey: .resourceManager).absoluteString,
            authorityHost: container.decodeHTTPSURL(forKey: .authorityHost).absoluteString
        )
    }

    private enum CloudCodingKeys: String, CodingKey, CaseIterable {
        case resourceManager = "resource_manager"
        case authorityHost = "authority_host"
    }
}

extension KeyedDecodingContainer {
    fileprivate func decodeHTTPSURL(forKey key: Key) throws -> URL {
        guard let text = try decodeIfPresent(String.self, forKey: key) else {
            throw ConfigurationError.missingKey(
                ConfigurationKeyPath(codingPath + [key]),
                hint: "a custom cloud needs both resource_manager and authority_host"
            )
        }
        let url = URL(string: text)
        // Tokens travel over these endpoints: plain http only to a local test endpoint.
        try require(
            url.map { PlainHTTPRule.permits($0) } ?? false,
            key,
            value: "\"\(text)\"",
            expected: "an https:// URL (http:// only for a loopback host)"
        )
        return url!
    }
}

extension ConfigurationKeyPath {
    fileprivate func appending(_ component: Component?) -> Self {
        guard let component else { return self }
        return appending(component)
    }
}

extension Optional where Wrapped == String {
    /// `nil` for an unset or empty environment variable.
    var nonEmpty: String? {
        guard let self, !self.isEmpty else { return nil }
        return self
    }
}

// The configuration words of `azure:` are the provider's own types: one definition each.
extension AzureProviderConfiguration.CredentialKind: ConfigurationWord {}
extension AzureProviderConfiguration.AddressPreference: ConfigurationWord {}
