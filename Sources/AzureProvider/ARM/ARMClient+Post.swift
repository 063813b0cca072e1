import HTTPSupport
import Foundation

extension ARMClient {
    /// One authenticated POST of a JSON body (Resource Graph queries are POSTs). Returns the successful
    /// answer whole, headers included (they carry the quota); any non-2xx answer after the retries throws.
    func post(_ url: String, json body: [UInt8]) async throws -> HTTPResponseData {
        let credential = self.credential
        let response = try await sender.send {
            let token = try await credential.accessToken()
            return HTTPRequestData(
                method: "POST",
                url: url,
                headers: [
                    ("Authorization", "Bearer \(token.token)"), ("Accept", "application/json"),
                    ("Content-Type", "application/json"),
                ],
                body: body
            )
        }
        guard response.isSuccess else {
            if response.status == 401 { await credential.invalidate() }
            throw Self.statusError(response, url: url, method: "POST")
        }
        return response
    }
}
