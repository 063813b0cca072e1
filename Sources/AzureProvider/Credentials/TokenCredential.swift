import Foundation

/// A bearer token for Azure Resource Manager and when it stops being valid.
public struct AccessToken: Sendable, Hashable, CustomStringConvertible {
    public var token: String
    public var expiresOn: Date

    public init(token: String, expiresOn: Date) {
        self.token = token
        self.expiresOn = expiresOn
    }

    /// Never prints the token itself.
    public var description: String { "AccessToken(expiresOn: \(expiresOn))" }
}

/// Something that can hand out an ARM access token.
///
/// ## Contract
/// - Safe to call concurrently; implementations that talk to a token endpoint cache the token (see
///   ``CachingCredential``) so that a discovery cycle costs no token request while the token is fresh.
/// - Throws ``AzureProviderError`` with code ``AzureProviderError/Code/credentialUnavailable`` when
///   this kind of credential cannot work here at all (so a chain can try the next one), and another
///   code when it could but failed.
/// - Errors never contain a secret, a token or an assertion.
public protocol TokenCredential: Sendable {
    func accessToken() async throws -> AccessToken

    /// Forgets a cached token that the server refused (HTTP 401), so the next call fetches a new one.
    func invalidate() async
}

extension TokenCredential {
    public func invalidate() async {}
}

/// Fetches a brand-new token every time; wrapped by ``CachingCredential``.
protocol TokenSource: Sendable {
    /// A short name for error messages (`ClientSecretCredential`, ...).
    var kind: String { get }
    func fetchToken() async throws -> AccessToken
}
