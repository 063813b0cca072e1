import Foundation
import ProviderKit

/// `aws:` — discover EC2 instances and Auto Scaling group members in one or more regions.
///
/// The Python daemon's keys load unchanged: `region`, `account_id`, `credential_profile`. Added:
/// - `regions`: a list instead of `region`, one provider per region;
/// - `address` [`private`]: `private|public`, which address servers point at;
/// - `endpoint_url`: one endpoint for EC2, Auto Scaling and STS (https, or http to loopback only).
///
/// `region` may be left out when `AWS_REGION`, `AWS_DEFAULT_REGION` or the profile's `region` gives one.
public struct AWSSection: Hashable, Sendable, Decodable {
    public var regions: [String]
    public var accountID: String?
    public var credentialProfile: String?
    public var address: AWSProviderConfiguration.AddressPreference = .private
    public var endpointURL: URL?

    public init(regions: [String]) {
        self.regions = regions
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case region
        case regions
        case accountID = "account_id"
        case credentialProfile = "credential_profile"
        case address
        case endpointURL = "endpoint_url"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.strictContainer(keyedBy: CodingKeys.self)
        let context = decoder.configurationContext
        let region = try container.decodeIfPresent(String.self, forKey: .region).flatMap { $0.isEmpty ? nil : $0 }
        let regions = try container.decodeIfPresent([String].self, forKey: .regions)
        try container.require(
            region == nil || regions == nil, .regions, value: "a list beside region: \(region ?? "")",
            expected: "either region or regions, not both"
        )
        self.accountID = try Self.decodeText(container, .accountID)
        self.credentialProfile = try container.decodeIfPresent(String.self, forKey: .credentialProfile).flatMap { $0.isEmpty ? nil : $0 }
        self.address = try container.decode(AWSProviderConfiguration.AddressPreference.self, forKey: .address, default: .private)
        if let text = try container.decodeIfPresent(String.self, forKey: .endpointURL) {
            let url = URL(string: text)
            try container.require(
                url.map { (try? EndpointRules.check($0, key: "endpoint_url")) != nil } ?? false,
                .endpointURL, value: "\"\(text)\"", expected: "an https:// URL (http:// only for a loopback host such as 127.0.0.1)"
            )
            self.endpointURL = url
        }

        if let regions {
            try container.require(!regions.isEmpty, .regions, value: "[]", expected: "at least one region, e.g. [us-east-1]")
            for (index, name) in regions.enumerated() where !AWSProviderConfiguration.isRegionName(name) {
                throw ConfigurationError.invalidValue(
                    at: ConfigurationKeyPath(container.codingPath + [CodingKeys.regions]).appending(.index(index)),
                    value: "\"\(name)\"", expected: "a region name such as eu-west-1"
                )
            }
            let repeated = Dictionary(grouping: regions, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
            try container.require(repeated.isEmpty, .regions, value: "\"\(repeated.first ?? "")\" (listed twice)", expected: "each region once")
            self.regions = regions
        } else if let region {
            try container.require(
                AWSProviderConfiguration.isRegionName(region), .region, value: "\"\(region)\"", expected: "a region name such as us-east-1"
            )
            self.regions = [region]
        } else {
            // As the SDKs do: the environment, then the profile's region.
            let resolved = try? AWSProviderConfiguration(credentialProfile: credentialProfile, environment: context.environment).resolvedRegions()
            guard let resolved, !resolved.isEmpty else {
                throw ConfigurationError.missingKey(
                    ConfigurationKeyPath(container.codingPath + [CodingKeys.region]),
                    hint: "set it to the region to watch (e.g. us-east-1), or regions: [...], or AWS_REGION"
                )
            }
            self.regions = resolved
        }
    }

    /// `account_id` is often written as a bare number (`123456789012`), which YAML reads as an integer.
    private static func decodeText(_ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> String? {
        if let number = try? container.decodeIfPresent(Int.self, forKey: key) {
            return String(format: "%012d", number)
        }
        return try container.decodeIfPresent(String.self, forKey: key).flatMap { $0.isEmpty ? nil : $0 }
    }
}

// The configuration word of `aws:` is the provider's own type: one definition.
extension AWSProviderConfiguration.AddressPreference: ConfigurationWord {}
