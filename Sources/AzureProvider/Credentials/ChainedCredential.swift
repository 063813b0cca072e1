/// `credential_type: default`: tries environment → workload identity → managed identity → Azure CLI, like
/// DefaultAzureCredential, and keeps the first that works.
///
/// A credential that is *unavailable* here (variables unset, no IMDS, no `az`) passes to the next; one that
/// is available but fails (wrong secret) stops the chain, since falling through would hide the real error.
/// When none works, one error lists why each failed.
actor ChainedCredential: TokenCredential {
    struct Link: Sendable {
        var kind: String
        /// Nil when the credential cannot even be built here; `unavailableReason` says why.
        var credential: (any TokenCredential)?
        var unavailableReason: String?
    }

    private let links: [Link]
    private var chosen: (any TokenCredential)?

    init(links: [Link]) {
        self.links = links
    }

    func accessToken() async throws -> AccessToken {
        if let chosen { return try await chosen.accessToken() }
        var reasons: [String] = []
        for link in links {
            guard let credential = link.credential else {
                reasons.append("\(link.kind): \(link.unavailableReason ?? "unavailable")")
                continue
            }
            do {
                let token = try await credential.accessToken()
                chosen = credential
                return token
            } catch let error as AzureProviderError where error.code == .credentialUnavailable {
                reasons.append("\(link.kind): \(CredentialKindPrefix.strip(error.message))")
            } catch let error as AzureProviderError {
                reasons.append("\(link.kind): \(CredentialKindPrefix.strip(error.message))")
                throw AzureProviderError(error.code, Self.summary(reasons), status: error.status)
            }
        }
        throw AzureProviderError(.credentialUnavailable, Self.summary(reasons))
    }

    func invalidate() async {
        await chosen?.invalidate()
    }

    static func summary(_ reasons: [String]) -> String {
        "credential_type default: no credential worked:\n  - " + reasons.joined(separator: "\n  - ")
    }
}
