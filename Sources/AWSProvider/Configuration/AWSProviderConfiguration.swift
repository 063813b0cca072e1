import Foundation
import HTTPSupport
import ProviderKit

/// Everything an ``AWSProvider`` needs, as typed values. The Python daemon's `aws:` keys map onto it:
/// `region` (or `regions`), `account_id`, `credential_profile`; plus `address` and `endpoint_url`.
public struct AWSProviderConfiguration: Sendable {
    /// One provider per region. Empty: `AWS_REGION`, `AWS_DEFAULT_REGION`, then the profile's `region`.
    public var regions: [String]
    /// For logs only, as in the Python daemon.
    public var accountID: String?
    /// Empty/nil: the default credential chain.
    public var credentialProfile: String?
    public var address: AddressPreference
    /// Overrides every service's endpoint (EC2, Auto Scaling, STS); https, or http to a loopback host.
    public var endpointURL: URL?
    /// Which tag marks instances and groups as taking part (the server-side `tag-key` filter).
    public var tagNames: TagNames
    /// Group member lookups in flight at once.
    public var maximumConcurrentRequests: Int
    public var requestTimeout: Duration
    public var retry: AWSRetryPolicy
    /// Process environment (credentials, region, endpoints); injectable for tests.
    public var environment: [String: String]
    /// Where `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` points; only tests change it.
    public var containerCredentialsBase: String
    /// How long each instance-metadata request may take: short (1 s, as the SDKs), since off EC2 nothing
    /// answers and the chain should move on; tests on a busy machine lengthen it.
    public var instanceMetadataTimeout: Duration

    public init(
        regions: [String] = [],
        accountID: String? = nil,
        credentialProfile: String? = nil,
        address: AddressPreference = .private,
        endpointURL: URL? = nil,
        tagNames: TagNames = TagNames(),
        maximumConcurrentRequests: Int = 4,
        requestTimeout: Duration = .seconds(30),
        retry: AWSRetryPolicy = .standard,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        containerCredentialsBase: String = "http://169.254.170.2",
        instanceMetadataTimeout: Duration = .seconds(1)
    ) {
        self.regions = regions
        self.accountID = accountID
        self.credentialProfile = credentialProfile.flatMap { $0.isEmpty ? nil : $0 }
        self.address = address
        self.endpointURL = endpointURL
        self.tagNames = tagNames
        self.maximumConcurrentRequests = maximumConcurrentRequests
        self.requestTimeout = requestTimeout
        self.retry = retry
        self.environment = environment
        self.containerCredentialsBase = containerCredentialsBase
        self.instanceMetadataTimeout = instanceMetadataTimeout
    }

    /// `aws.address`: which address servers point at.
    public enum AddressPreference: String, Sendable, CaseIterable {
        case `private`
        case `public`
    }

    /// The regions to watch: the configured ones, else the environment's, else the profile's.
    public func resolvedRegions() throws -> [String] {
        if !regions.isEmpty { return regions }
        for variable in ["AWS_REGION", "AWS_DEFAULT_REGION"] {
            if let region = environment[variable], !region.isEmpty { return [region] }
        }
        let profile = credentialProfile ?? environment["AWS_PROFILE"].flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        if let region = SharedConfigFiles.load(environment: environment).profiles[profile]?["region"], !region.isEmpty {
            return [region]
        }
        throw AWSProviderError.invalidConfiguration(
            "aws.region: missing; set region (e.g. us-east-1) or regions, or AWS_REGION, or region in the profile \"\(profile)\""
        )
    }

    /// Checks what can be checked without I/O; the message names the key and the fix.
    public func validate() throws {
        for region in try resolvedRegions() where !Self.isRegionName(region) {
            throw AWSProviderError.invalidConfiguration(
                "aws.region: \"\(region)\" is not a region name (expected lower-case letters, digits and dashes, e.g. eu-west-1)"
            )
        }
        let duplicates = Dictionary(grouping: regions, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
        if let duplicate = duplicates.first {
            throw AWSProviderError.invalidConfiguration("aws.regions: \"\(duplicate)\" is listed twice; list each region once")
        }
        if let endpointURL { try EndpointRules.check(endpointURL, key: "aws.endpoint_url") }
        for service in [AWSService.ec2, .autoScaling, .sts] {
            for variable in ["AWS_ENDPOINT_URL_\(service.endpointVariableSuffix)", "AWS_ENDPOINT_URL"] {
                if let text = environment[variable], !text.isEmpty {
                    guard let url = URL(string: text) else {
                        throw AWSProviderError.invalidConfiguration("\(variable): \"\(text)\" is not a URL")
                    }
                    try EndpointRules.check(url, key: variable)
                }
            }
        }
        guard maximumConcurrentRequests >= 1 else {
            throw AWSProviderError.invalidConfiguration("maximumConcurrentRequests must be at least 1")
        }
    }

    /// The endpoint of `service` in `region`: `endpoint_url`, else `AWS_ENDPOINT_URL_<SERVICE>`, else
    /// `AWS_ENDPOINT_URL`, else the regional AWS endpoint.
    func endpoint(for service: AWSService, region: String) throws -> URL {
        if let endpointURL { return endpointURL }
        for variable in ["AWS_ENDPOINT_URL_\(service.endpointVariableSuffix)", "AWS_ENDPOINT_URL"] {
            if let text = environment[variable], !text.isEmpty {
                guard let url = URL(string: text) else {
                    throw AWSProviderError.invalidConfiguration("\(variable): \"\(text)\" is not a URL")
                }
                try EndpointRules.check(url, key: variable)
                return url
            }
        }
        return service.defaultEndpoint(region: region)
    }

    static func isRegionName(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 64
            && text.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }
    }
}

/// Signed requests and credentials travel over these endpoints: https, or plain http to loopback only
/// (HTTPSupport's ``PlainHTTPRule``, without the opt-in: AWS has no setting for it).
enum EndpointRules {
    static func check(_ url: URL, key: String) throws {
        guard PlainHTTPRule.permits(url) else {
            throw AWSProviderError.invalidConfiguration(
                "\(key): \"\(url.absoluteString)\" must be an https:// URL (http:// only to a loopback host such as 127.0.0.1)"
            )
        }
    }
}
