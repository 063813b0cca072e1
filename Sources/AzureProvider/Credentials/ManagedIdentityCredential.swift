import Foundation
import HTTPSupport
import Synchronization

/// A managed identity (`credential_type: managed_identity`): IMDS on VMs and scale sets, or the App
/// Service / Functions endpoint when `IDENTITY_ENDPOINT` and `IDENTITY_HEADER` are set.
/// `clientID` selects a user-assigned identity; without it the system-assigned one is used.
struct ManagedIdentitySource: TokenSource {
    var kind: String { "ManagedIdentityCredential" }
    var endpoint: Endpoint
    var resource: String
    var clientID: String?
    var sender: RetryingSender
    /// In the default chain, the first request is a quick probe (short timeout, no retry on "no answer")
    /// so that a machine without IMDS moves on to the next credential at once, as azidentity does.
    var probe: Probe?
    var now: @Sendable () -> Date

    final class Probe: Sendable {
        let sender: RetryingSender
        private let succeeded = Mutex(false)

        init(sender: RetryingSender) { self.sender = sender }

        var isDone: Bool { succeeded.withLock { $0 } }
        func markDone() { succeeded.withLock { $0 = true } }
    }

    enum Endpoint: Sendable {
        case instanceMetadata(URL)
        case appService(url: String, header: String)
    }

    static func endpoint(environment: [String: String], instanceMetadata: URL) -> Endpoint {
        if let url = environment["IDENTITY_ENDPOINT"], !url.isEmpty,
            let header = environment["IDENTITY_HEADER"], !header.isEmpty
        {
            return .appService(url: url, header: header)
        }
        return .instanceMetadata(instanceMetadata)
    }

    func request() -> HTTPRequestData {
        var components: URLComponents
        var headers: [(name: String, value: String)] = [("Accept", "application/json")]
        switch endpoint {
        case .instanceMetadata(let base):
            components = URLComponents(url: base, resolvingAgainstBaseURL: false) ?? URLComponents()
            components.path = "/metadata/identity/oauth2/token"
            components.queryItems = [URLQueryItem(name: "api-version", value: "2018-02-01")]
            headers.append(("Metadata", "true"))
        case .appService(let url, let secretHeader):
            components = URLComponents(string: url) ?? URLComponents()
            components.queryItems = (components.queryItems ?? []) + [URLQueryItem(name: "api-version", value: "2019-08-01")]
            headers.append(("X-IDENTITY-HEADER", secretHeader))
        }
        components.queryItems?.append(URLQueryItem(name: "resource", value: resource))
        if let clientID {
            components.queryItems?.append(URLQueryItem(name: "client_id", value: clientID))
        }
        return HTTPRequestData(url: components.string ?? "", headers: headers)
    }

    var endpointDescription: String {
        switch endpoint {
        case .instanceMetadata(let url): "IMDS \(url.absoluteString)"
        case .appService(let url, _): "App Service identity endpoint \(URLRedaction.withoutQuery(url))"
        }
    }

    func fetchToken() async throws -> AccessToken {
        let request = self.request()
        let response: HTTPResponseData
        do {
            if let probe, !probe.isDone {
                response = try await probe.sender.send { request }
                probe.markDone()
            } else {
                response = try await sender.send { request }
            }
        } catch {
            throw AzureProviderError(
                .credentialUnavailable, "\(kind): no managed identity endpoint answered at \(endpointDescription)"
            )
        }
        guard response.isSuccess else {
            let identity = clientID.map { "user-assigned identity \($0)" } ?? "system-assigned identity"
            let code: AzureProviderError.Code = response.status == 400 ? .credentialUnavailable : .authenticationFailed
            throw AzureProviderError(
                code,
                "\(kind): \(endpointDescription) refused a token for the \(identity): \(OAuthErrorBody.summary(response))"
                    + (response.status == 400 ? " (is that identity assigned to this machine?)" : ""),
                status: response.status
            )
        }
        do {
            return try JSONDecoder().decode(TokenResponse.self, from: Data(response.body))
                .accessToken(now: now(), endpoint: endpointDescription)
        } catch let error as AzureProviderError {
            throw error
        } catch {
            throw AzureProviderError(.invalidResponse, "\(kind): token response from \(endpointDescription) is not valid JSON with access_token")
        }
    }
}
