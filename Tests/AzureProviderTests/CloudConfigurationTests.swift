import AzureProviderTesting
import Foundation
import HTTPSupport
import NIOSSL
import Testing

@testable import AzureProvider

@Suite struct CloudConfigurationTests {
    @Test func namedClouds() throws {
        #expect(try AzureCloudEndpoints.named("AzurePublic") == .azurePublic)
        #expect(try AzureCloudEndpoints.named("AzurePublicCloud") == .azurePublic)
        #expect(try AzureCloudEndpoints.named("azureusgovernment").resourceManager.absoluteString == "https://management.usgovcloudapi.net")
        #expect(try AzureCloudEndpoints.named("AzureChina").authorityHost.absoluteString == "https://login.chinacloudapi.cn")
        let error = #expect(throws: AzureProviderError.self) { try AzureCloudEndpoints.named("AzureGermany") }
        #expect(error?.message.contains("azure.cloud") == true)
    }

    @Test func tokenScopeFollowsTheCloudsAudience() throws {
        #expect(AzureCloudEndpoints.azurePublic.scope == "https://management.core.windows.net/.default")
        let custom = try AzureCloudEndpoints.custom(resourceManager: "https://arm.contoso.local/", authorityHost: "https://login.contoso.local")
        #expect(custom.scope == "https://arm.contoso.local/.default")
    }

    @Test(arguments: ["http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:9"])
    func plainHTTPIsAcceptedForLoopback(_ url: String) throws {
        _ = try AzureCloudEndpoints.custom(resourceManager: url, authorityHost: url)
    }

    @Test func plainHTTPIsRefusedForOtherHosts() {
        let error = #expect(throws: AzureProviderError.self) {
            try AzureCloudEndpoints.custom(resourceManager: "http://arm.contoso.local", authorityHost: "https://login.contoso.local")
        }
        #expect(error?.message.contains("azure.cloud.resource_manager") == true)
        let authority = #expect(throws: AzureProviderError.self) {
            try AzureCloudEndpoints.custom(resourceManager: "https://arm.contoso.local", authorityHost: "http://10.0.0.1")
        }
        #expect(authority?.message.contains("azure.cloud.authority_host") == true)
        #expect(throws: AzureProviderError.self) { try AzureCloudEndpoints.custom(resourceManager: "not a url", authorityHost: "https://a.b") }
    }

    @Test func caFileMustHoldPEMCertificates() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("not-a-ca-\(UUID().uuidString).pem")
        try "hello".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        var configuration = AzureProviderConfiguration(subscriptionIDs: ["00000000-0000-0000-0000-000000000000"])
        configuration.caFile = file.path
        let error = #expect(throws: AzureProviderError.self) { _ = try AzureProvider.make(configuration) }
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.message.contains("azure.ca_file") == true)
        #expect(error?.message.contains(file.path) == true)
    }

    @Test func configurationValidationNamesTheKey() {
        let missing = #expect(throws: AzureProviderError.self) { try AzureProviderConfiguration(subscriptionIDs: []).validate() }
        #expect(missing?.message.contains("azure.subscription_id") == true)
        let bad = #expect(throws: AzureProviderError.self) {
            try AzureProviderConfiguration(subscriptionIDs: ["../../evil"]).validate()
        }
        #expect(bad?.message.contains("azure.subscription_id") == true)
        let group = #expect(throws: AzureProviderError.self) {
            try AzureProviderConfiguration(subscriptionIDs: ["s"], resourceGroups: ["a/b"]).validate()
        }
        #expect(group?.message.contains("azure.resource_groups") == true)
    }
}
