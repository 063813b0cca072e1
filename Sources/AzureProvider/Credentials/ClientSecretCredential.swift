/// A service principal with a client secret (`credential_type: client_secret`).
struct ClientSecretSource: TokenSource {
    var kind: String { "ClientSecretCredential" }
    var endpoint: EntraTokenEndpoint
    var secret: String

    func fetchToken() async throws -> AccessToken {
        try await endpoint.requestToken(proving: .secret(secret), kind: kind)
    }
}
