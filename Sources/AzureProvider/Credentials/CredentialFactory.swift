import Foundation
import HTTPSupport
import Logging

/// Builds the configured ``TokenCredential`` (cached; see ``CachingCredential``).
enum CredentialFactory {
    static func make(
        _ configuration: AzureProviderConfiguration,
        transport: any HTTPTransport,
        logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws -> any TokenCredential {
        let builder = Builder(configuration: configuration, transport: transport, logger: logger, now: now)
        switch configuration.credentialKind {
        case .clientSecret:
            return try CachingCredential(source: builder.clientSecret(), now: now)
        case .workloadIdentity:
            return try CachingCredential(source: builder.workloadIdentity(), now: now)
        case .managedIdentity:
            return CachingCredential(source: builder.managedIdentity(probing: false), now: now)
        case .azureCLI:
            return CachingCredential(source: builder.azureCLI(), now: now)
        case .default:
            return ChainedCredential(links: [
                builder.link("EnvironmentCredential") { try builder.clientSecret() },
                builder.link("WorkloadIdentityCredential") { try builder.workloadIdentity() },
                builder.link("ManagedIdentityCredential") { builder.managedIdentity(probing: true) },
                builder.link("AzureCLICredential") { builder.azureCLI() },
            ])
        }
    }

    struct Builder {
        var configuration: AzureProviderConfiguration
        var transport: any HTTPTransport
        var logger: Logger
        var now: @Sendable () -> Date

        var environment: [String: String] { configuration.environment }

        /// A configured value wins over the environment variable; empty counts as unset.
        func value(_ configured: String?, _ variable: String) -> String? {
            if let configured, !configured.isEmpty { return configured }
            if let fromEnvironment = environment[variable], !fromEnvironment.isEmpty { return fromEnvironment }
            return nil
        }

        func require(_ configured: String?, key: String, variable: String, kind: String) throws -> String {
            guard let found = value(configured, variable) else {
                throw AzureProviderError(
                    .credentialUnavailable, "\(kind): \(key) is not set and neither is \(variable)"
                )
            }
            return found
        }

        func sender(_ policy: RetryPolicy, timeout: Duration? = nil) -> RetryingSender {
            RetryingSender(
                transport: transport, policy: policy, timeout: timeout ?? configuration.requestTimeout, client: "azure",
                logger: logger
            )
        }

        func entraEndpoint(tenantID: String, clientID: String) throws -> EntraTokenEndpoint {
            guard AzureProviderConfiguration.isPathSafe(tenantID) else {
                throw AzureProviderError.invalidConfiguration("azure.tenant_id: \"\(tenantID)\" is not a tenant id or domain")
            }
            return EntraTokenEndpoint(
                authorityHost: configuration.cloud.authorityHost,
                tenantID: tenantID,
                clientID: clientID,
                scope: configuration.cloud.scope,
                sender: sender(configuration.retry),
                now: now
            )
        }

        func clientSecret() throws -> ClientSecretSource {
            let kind = "ClientSecretCredential"
            let tenant = try require(configuration.tenantID, key: "azure.tenant_id", variable: "AZURE_TENANT_ID", kind: kind)
            let client = try require(configuration.clientID, key: "azure.client_id", variable: "AZURE_CLIENT_ID", kind: kind)
            let secret = try require(
                configuration.clientSecret, key: "azure.client_secret", variable: "AZURE_CLIENT_SECRET", kind: kind
            )
            return ClientSecretSource(endpoint: try entraEndpoint(tenantID: tenant, clientID: client), secret: secret)
        }

        func workloadIdentity() throws -> WorkloadIdentitySource {
            let kind = "WorkloadIdentityCredential"
            let tenant = try require(configuration.tenantID, key: "azure.tenant_id", variable: "AZURE_TENANT_ID", kind: kind)
            let client = try require(configuration.clientID, key: "azure.client_id", variable: "AZURE_CLIENT_ID", kind: kind)
            guard let file = value(nil, "AZURE_FEDERATED_TOKEN_FILE") else {
                throw AzureProviderError(.credentialUnavailable, "\(kind): AZURE_FEDERATED_TOKEN_FILE is not set")
            }
            return WorkloadIdentitySource(endpoint: try entraEndpoint(tenantID: tenant, clientID: client), tokenFile: file)
        }

        func managedIdentity(probing: Bool) -> ManagedIdentitySource {
            var probePolicy = configuration.managedIdentityRetry
            probePolicy.retriesTransportErrors = false
            probePolicy.maximumRetries = 0
            let clientID = configuration.clientID.flatMap { $0.isEmpty ? nil : $0 }
            return ManagedIdentitySource(
                endpoint: ManagedIdentitySource.endpoint(
                    environment: environment, instanceMetadata: configuration.instanceMetadataEndpoint
                ),
                resource: configuration.cloud.audience,
                clientID: clientID,
                sender: sender(configuration.managedIdentityRetry),
                probe: probing ? ManagedIdentitySource.Probe(sender: sender(probePolicy, timeout: configuration.managedIdentityProbeTimeout)) : nil,
                now: now
            )
        }

        func azureCLI() -> AzureCLISource {
            AzureCLISource(
                executable: configuration.azureCLIPath,
                resource: configuration.cloud.audience,
                tenantID: configuration.tenantID.flatMap { $0.isEmpty ? nil : $0 }
            )
        }

        func link(_ kind: String, _ make: () throws -> any TokenSource) -> ChainedCredential.Link {
            do {
                return ChainedCredential.Link(kind: kind, credential: CachingCredential(source: try make(), now: now))
            } catch let error as AzureProviderError {
                return ChainedCredential.Link(kind: kind, credential: nil, unavailableReason: CredentialKindPrefix.strip(error.message))
            } catch {
                return ChainedCredential.Link(kind: kind, credential: nil, unavailableReason: "\(error)")
            }
        }
    }
}

/// Credential errors start with the credential's name (`ClientSecretCredential: ...`); the chain puts
/// its own name in front instead.
enum CredentialKindPrefix {
    static func strip(_ message: String) -> String {
        guard let range = message.range(of: ": "), message[..<range.lowerBound].hasSuffix("Credential"),
            !message[..<range.lowerBound].contains(" ")
        else { return message }
        return String(message[range.upperBound...])
    }
}
