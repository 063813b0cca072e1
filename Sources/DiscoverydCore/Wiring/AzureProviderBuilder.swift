import Foundation
import AzureProvider
import ProviderKit

extension ProviderBuilder {
    /// One ``AzureProvider`` per subscription of the `azure:` section, sharing one credential.
    public static let azure = ProviderBuilder(kind: "azure") { configuration, context in
        guard let section = configuration.azure else { return [] }
        return try AzureProvider.make(
            AzureProviderConfiguration(section, tagNames: configuration.tags.tagNames),
            logger: context.logger
        )
    }
}

extension AzureProviderConfiguration {
    /// The `azure:` section as the provider's settings (the loader already checked the keys and URLs).
    init(_ section: AzureSection, tagNames: TagNames) throws {
        let cloud: AzureCloudEndpoints =
            section.cloud.name == "custom"
            ? try .custom(
                resourceManager: section.cloud.resourceManager.absoluteString,
                authorityHost: section.cloud.authorityHost.absoluteString
            )
            : try .named(section.cloud.name)
        self.init(
            subscriptionIDs: section.subscriptionIDs,
            resourceGroups: section.resourceGroups,
            credentialKind: CredentialKind(section.credentialType),
            tenantID: section.tenantID,
            clientID: section.clientID,
            clientSecret: section.clientSecret?.revealed,
            clientCertificatePath: section.clientCertificatePath,
            clientCertificatePassword: section.clientCertificatePassword?.revealed,
            sendCertificateChain: section.sendCertificateChain,
            cloud: cloud,
            caFile: section.caFile,
            address: section.address == .public ? .public : .private,
            tagNames: tagNames
        )
    }
}

extension AzureProviderConfiguration.CredentialKind {
    init(_ type: AzureSection.CredentialType) {
        switch type {
        case .default: self = .default
        case .clientSecret: self = .clientSecret
        case .clientCertificate: self = .clientCertificate
        case .managedIdentity: self = .managedIdentity
        case .workloadIdentity: self = .workloadIdentity
        case .azureCLI: self = .azureCLI
        }
    }
}
