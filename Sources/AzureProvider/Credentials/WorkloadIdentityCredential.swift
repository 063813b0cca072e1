import Foundation

/// Kubernetes workload identity (`credential_type: workload_identity`): the projected service-account
/// token in `AZURE_FEDERATED_TOKEN_FILE` is the client assertion.
///
/// The file is read again for every new token, so a rotated assertion is always the one sent.
struct WorkloadIdentitySource: TokenSource {
    var kind: String { "WorkloadIdentityCredential" }
    var endpoint: EntraTokenEndpoint
    var tokenFile: String

    func fetchToken() async throws -> AccessToken {
        let assertion: String
        do {
            assertion = try String(contentsOfFile: tokenFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        } catch {
            throw AzureProviderError(
                .credentialUnavailable,
                "\(kind): cannot read the federated token file \(tokenFile) (AZURE_FEDERATED_TOKEN_FILE); is the workload identity webhook enabled for this pod?"
            )
        }
        guard !assertion.isEmpty else {
            throw AzureProviderError(.credentialUnavailable, "\(kind): the federated token file \(tokenFile) is empty")
        }
        return try await endpoint.requestToken(proving: .assertion(assertion), kind: kind)
    }
}
