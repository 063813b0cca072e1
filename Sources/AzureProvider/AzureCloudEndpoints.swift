import Foundation
import HTTPSupport

/// Which Azure cloud to talk to: its ARM endpoint, its Entra authority and the token audience.
public struct AzureCloudEndpoints: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var resourceManager: URL
    public var authorityHost: URL
    /// The ARM token audience: scope `<audience>/.default` (v2), resource `<audience>` (IMDS, `az`).
    public var audience: String

    /// The audiences are those azcore's `cloud` package uses.
    public static let azurePublic = AzureCloudEndpoints(
        name: "AzurePublic",
        resourceManager: URL(string: "https://management.azure.com")!,
        authorityHost: URL(string: "https://login.microsoftonline.com")!,
        audience: "https://management.core.windows.net/"
    )
    public static let azureUSGovernment = AzureCloudEndpoints(
        name: "AzureUSGovernment",
        resourceManager: URL(string: "https://management.usgovcloudapi.net")!,
        authorityHost: URL(string: "https://login.microsoftonline.us")!,
        audience: "https://management.core.usgovcloudapi.net"
    )
    public static let azureChina = AzureCloudEndpoints(
        name: "AzureChina",
        resourceManager: URL(string: "https://management.chinacloudapi.cn")!,
        authorityHost: URL(string: "https://login.chinacloudapi.cn")!,
        audience: "https://management.core.chinacloudapi.cn"
    )

    public static let named: [AzureCloudEndpoints] = [.azurePublic, .azureUSGovernment, .azureChina]

    /// A cloud by name (`AzurePublic`, `AzureUSGovernment`, `AzureChina`; case-insensitive, and the
    /// `...Cloud` spellings Azure CLI and Prometheus use).
    public static func named(_ name: String) throws -> AzureCloudEndpoints {
        let key = name.lowercased().replacingOccurrences(of: "cloud", with: "")
        let aliases: [String: AzureCloudEndpoints] = [
            "azurepublic": .azurePublic, "azure": .azurePublic, "public": .azurePublic,
            "azureusgovernment": .azureUSGovernment, "usgovernment": .azureUSGovernment,
            "azurechina": .azureChina, "china": .azureChina,
        ]
        guard let cloud = aliases[key] else {
            throw AzureProviderError.invalidConfiguration(
                "azure.cloud: unknown cloud \"\(name)\"; use AzurePublic, AzureUSGovernment, AzureChina, or a map with resource_manager and authority_host URLs"
            )
        }
        return cloud
    }

    /// A private or custom cloud. Both URLs must be `https`; plain `http` is accepted only for a loopback
    /// host (a local test endpoint), since tokens travel over it.
    public static func custom(resourceManager: String, authorityHost: String, audience: String? = nil) throws -> AzureCloudEndpoints {
        let manager = try validatedEndpoint(resourceManager, key: "azure.cloud.resource_manager")
        let authority = try validatedEndpoint(authorityHost, key: "azure.cloud.authority_host")
        var defaultAudience = manager.absoluteString
        while defaultAudience.hasSuffix("/") { defaultAudience.removeLast() }
        return AzureCloudEndpoints(
            name: "custom", resourceManager: manager, authorityHost: authority, audience: audience ?? defaultAudience
        )
    }

    static func validatedEndpoint(_ text: String, key: String) throws -> URL {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty
        else {
            throw AzureProviderError.invalidConfiguration("\(key): \"\(text)\" is not an absolute URL; use e.g. https://management.example.com")
        }
        if PlainHTTPRule.permits(url) { return url }
        switch scheme {
        case "http":
            throw AzureProviderError.invalidConfiguration(
                "\(key): \(text) uses plain http to a non-loopback host; tokens would travel unencrypted — use https"
            )
        default:
            throw AzureProviderError.invalidConfiguration("\(key): \(text) must be an https URL")
        }
    }

    /// The v2 scope for client credentials: `<audience>/.default`.
    var scope: String {
        var base = audience
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/.default"
    }

    public var description: String { name == "custom" ? "custom(\(resourceManager.absoluteString))" : name }
}
