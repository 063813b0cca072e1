import Foundation
import ProviderKit

/// `azure:` — one ``AzureProvider`` per subscription, sharing one credential.
public enum AzureProviderKind: ProviderKind {
    public static let key = "azure"
    public static let example = "subscription_id: ..."

    public static func makeProviders(from section: AzureSection, context: WiringContext) throws -> [any Provider] {
        try AzureProvider.make(AzureProviderConfiguration(section, tagNames: context.tagNames), logger: context.logger(for: "azure"))
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
            cloud: section.cloud,
            caFile: section.caFile,
            address: section.address,
            tagNames: tagNames
        )
    }
}
