import Foundation
import ProviderKit

/// `aws:` — one ``AWSProvider`` per region, sharing one credential chain.
public enum AWSProviderKind: ProviderKind {
    public static let key = "aws"
    public static let example = "region: us-east-1"

    public static func makeProviders(from section: AWSSection, context: WiringContext) throws -> [any Provider] {
        try AWSProvider.make(AWSProviderConfiguration(section, tagNames: context.tagNames), logger: context.logger(for: "aws"))
    }

    public static func summary(of section: AWSSection) -> String {
        let count = section.regions.count
        return "\(count) AWS region\(count == 1 ? "" : "s") (\(section.regions.joined(separator: ", ")))"
    }
}

extension AWSProviderConfiguration {
    /// The `aws:` section as the provider's settings; credentials and endpoints come from the process
    /// environment as in the AWS SDKs.
    public init(_ section: AWSSection, tagNames: TagNames, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.init(
            regions: section.regions,
            accountID: section.accountID,
            credentialProfile: section.credentialProfile,
            address: section.address,
            endpointURL: section.endpointURL,
            tagNames: tagNames,
            environment: environment
        )
    }
}
