import Foundation
import HTTPSupport
import ProviderKit

/// `azure:` — one ``AzureProvider`` per subscription, sharing one credential.
public enum AzureProviderKind: ProviderKind {
    public static let key = "azure"
    public static let example = "subscription_id: ..."

    public static func makeProviders(from section: AzureSection, context: WiringContext) throws -> [any Provider] {
        try AzureProvider.make(AzureProviderConfiguration(section, tagNames: context.tagNames), logger: context.logger(for: "azure"))
    }

    /// The CA file, when set, must hold PEM certificates; nothing else of the section is local.
    public static func checkLocally(_ section: AzureSection) async -> [LocalCheck] {
        guard let caFile = section.caFile else { return [] }
        if let problem = TLSTrust.problem(withCAFile: caFile) {
            return [LocalCheck("azure.ca_file \(caFile)", .failed, problem)]
        }
        return [LocalCheck("azure.ca_file \(caFile)", .passed, "PEM certificates")]
    }

    public static func summary(of section: AzureSection) -> String {
        "\(section.subscriptionIDs.count) Azure subscription\(section.subscriptionIDs.count == 1 ? "" : "s")"
    }
}

extension AzureProviderConfiguration {
    /// The `azure:` section as the provider's settings (the section already checked its keys and URLs).
    public init(_ section: AzureSection, tagNames: TagNames) {
        self.init(
            subscriptionIDs: section.subscriptionIDs,
            resourceGroups: section.resourceGroups,
            credentialKind: section.credentialType,
            tenantID: section.tenantID,
            clientID: section.clientID,
            clientSecret: section.clientSecret?.revealed,
            clientCertificatePath: section.clientCertificatePath,
            clientCertificatePassword: section.clientCertificatePassword?.revealed,
            sendCertificateChain: section.sendCertificateChain,
            cloud: section.cloud,
            caFile: section.caFile,
            address: section.address,
            tagNames: tagNames
        )
    }
}
