import Foundation
import HTTPSupport
import ProviderKit

/// Everything an ``AzureProvider`` needs, already validated into typed values (the YAML section is
/// converted into this by ``AzureProviderKind``).
public struct AzureProviderConfiguration: Sendable {
    /// One provider instance per subscription.
    public var subscriptionIDs: [String]
    /// Empty: the whole subscription.
    public var resourceGroups: [String]
    public var credentialKind: CredentialKind
    public var tenantID: String?
    /// For `managed_identity`: a user-assigned identity's client id.
    public var clientID: String?
    public var clientSecret: String?
    public var cloud: AzureCloudEndpoints
    /// Extra trusted CA certificates (PEM) for the cloud's endpoints.
    public var caFile: String?
    public var address: AddressPreference
    /// Which tag marks a scale set as taking part; Uniform scale sets without it cost no request.
    public var tagNames: TagNames
    /// Requests in flight at once per provider.
    public var maximumConcurrentRequests: Int
    public var requestTimeout: Duration
    public var retry: RetryPolicy
    public var managedIdentityRetry: RetryPolicy
    /// Process environment (credentials read `AZURE_*`, `IDENTITY_*`); injectable for tests.
    public var environment: [String: String]
    /// The IMDS endpoint; only tests change it.
    public var instanceMetadataEndpoint: URL
    /// How long the `default` chain waits for IMDS before moving on (azidentity: 1 s). Tests that run beside
    /// hundreds of others lengthen it so that a busy machine is not mistaken for a machine without IMDS.
    public var managedIdentityProbeTimeout: Duration = .seconds(1)
    /// The Azure CLI executable for `azure_cli` (looked up on `PATH` unless absolute).
    public var azureCLIPath: String

    public init(
        subscriptionIDs: [String],
        resourceGroups: [String] = [],
        credentialKind: CredentialKind = .default,
        tenantID: String? = nil,
        clientID: String? = nil,
        clientSecret: String? = nil,
        cloud: AzureCloudEndpoints = .azurePublic,
        caFile: String? = nil,
        address: AddressPreference = .private,
        tagNames: TagNames = TagNames(),
        maximumConcurrentRequests: Int = 4,
        requestTimeout: Duration = .seconds(30),
        retry: RetryPolicy = .arm,
        managedIdentityRetry: RetryPolicy = .managedIdentity,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        instanceMetadataEndpoint: URL = URL(string: "http://169.254.169.254")!,
        azureCLIPath: String = "az"
    ) {
        self.subscriptionIDs = subscriptionIDs
        self.resourceGroups = resourceGroups
        self.credentialKind = credentialKind
        self.tenantID = tenantID
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.cloud = cloud
        self.caFile = caFile
        self.address = address
        self.tagNames = tagNames
        self.maximumConcurrentRequests = maximumConcurrentRequests
        self.requestTimeout = requestTimeout
        self.retry = retry
        self.managedIdentityRetry = managedIdentityRetry
        self.environment = environment
        self.instanceMetadataEndpoint = instanceMetadataEndpoint
        self.azureCLIPath = azureCLIPath
    }

    /// `azure.credential_type`.
    public enum CredentialKind: String, Sendable, CaseIterable {
        /// Environment → workload identity → managed identity → Azure CLI, like DefaultAzureCredential.
        case `default`
        case clientSecret = "client_secret"
        case managedIdentity = "managed_identity"
        case workloadIdentity = "workload_identity"
        case azureCLI = "azure_cli"
    }

    /// `azure.address`: which address servers point at.
    public enum AddressPreference: String, Sendable, CaseIterable {
        case `private`
        case `public`
    }

    /// Checks what can be checked without I/O; the message names the key and the fix.
    public func validate() throws {
        guard !subscriptionIDs.isEmpty else {
            throw AzureProviderError.invalidConfiguration("azure.subscription_id: missing; set a subscription id or a list of them")
        }
        for id in subscriptionIDs where !Self.isPathSafe(id) {
            throw AzureProviderError.invalidConfiguration(
                "azure.subscription_id: \"\(id)\" is not a subscription id (expected a GUID like 00000000-0000-0000-0000-000000000000)"
            )
        }
        for group in resourceGroups where group.isEmpty || group.contains("/") || group.contains("?") || group.contains("#") {
            throw AzureProviderError.invalidConfiguration("azure.resource_groups: \"\(group)\" is not a resource group name")
        }
        if let tenantID, !Self.isPathSafe(tenantID) {
            throw AzureProviderError.invalidConfiguration("azure.tenant_id: \"\(tenantID)\" is not a tenant id or domain")
        }
        guard maximumConcurrentRequests >= 1 else {
            throw AzureProviderError.invalidConfiguration("maximumConcurrentRequests must be at least 1")
        }
    }

    static func isPathSafe(_ text: String) -> Bool {
        !text.isEmpty && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }
    }
}
