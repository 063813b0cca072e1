import Foundation
import HTTPSupport

/// The Entra ID v2 token endpoint: `POST {authority}/{tenant}/oauth2/v2.0/token` with a client secret or
/// a client assertion (client credentials grant).
struct EntraTokenEndpoint: Sendable {
    var authorityHost: URL
    var tenantID: String
    var clientID: String
    var scope: String
    var sender: RetryingSender
    var now: @Sendable () -> Date

    var url: String {
        var base = authorityHost.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        return "\(base)/\(tenantID)/oauth2/v2.0/token"
    }

    enum ClientProof {
        case secret(String)
        case assertion(String)
    }

    func requestToken(proving proof: ClientProof, kind: String) async throws -> AccessToken {
        var fields = [("grant_type", "client_credentials"), ("client_id", clientID), ("scope", scope)]
        switch proof {
        case .secret(let secret):
            fields.append(("client_secret", secret))
        case .assertion(let assertion):
            fields.append(("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"))
            fields.append(("client_assertion", assertion))
        }
        let request = HTTPRequestData(
            method: "POST",
            url: url,
            headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")],
            body: FormEncoding.encode(fields)
        )
        let response = try await AzureProviderError.mappingTransportErrors { try await sender.send { request } }
        guard response.isSuccess else {
            throw AzureProviderError(
                .authenticationFailed,
                "\(kind): token request to \(url) for client \(clientID) failed: \(OAuthErrorBody.summary(response))",
                status: response.status
            )
        }
        do {
            return try JSONDecoder().decode(TokenResponse.self, from: Data(response.body)).accessToken(now: now(), endpoint: url)
        } catch let error as AzureProviderError {
            throw error
        } catch {
            throw AzureProviderError(.invalidResponse, "\(kind): token response from \(url) is not valid JSON with access_token")
        }
    }
}
