import Foundation

/// STS `AssumeRole` (signed with source credentials) and `AssumeRoleWithWebIdentity` (unsigned; the token
/// file is read again on every refresh, because Kubernetes rotates it).
struct STSClient: Sendable {
    /// A client whose `credentials` are nil for web identity, the source credentials for `AssumeRole`.
    var client: QueryClient

    func assumeRole(roleARN: String, sessionName: String, externalID: String?, durationSeconds: Int?) async throws -> AWSCredentials {
        var parameters = [("RoleArn", roleARN), ("RoleSessionName", sessionName)]
        if let externalID { parameters.append(("ExternalId", externalID)) }
        if let durationSeconds { parameters.append(("DurationSeconds", String(durationSeconds))) }
        let root = try await client.call("AssumeRole", parameters)
        return try Self.credentials(in: root, result: "AssumeRoleResult", call: "AssumeRole")
    }

    func assumeRoleWithWebIdentity(roleARN: String, sessionName: String, tokenFile: String) async throws -> AWSCredentials {
        let token: String
        do {
            token = try String(contentsOfFile: tokenFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        } catch {
            throw AWSProviderError(
                .credentialUnavailable, "cannot read the web identity token file \(tokenFile) (AWS_WEB_IDENTITY_TOKEN_FILE): \(error.localizedDescription)"
            )
        }
        let root = try await client.call(
            "AssumeRoleWithWebIdentity",
            [("RoleArn", roleARN), ("RoleSessionName", sessionName), ("WebIdentityToken", token)]
        )
        return try Self.credentials(in: root, result: "AssumeRoleWithWebIdentityResult", call: "AssumeRoleWithWebIdentity")
    }

    static func credentials(in root: XMLNode, result: String, call: String) throws -> AWSCredentials {
        guard let credentials = root.at(result, "Credentials"),
            let key = credentials.string("AccessKeyId"), let secret = credentials.string("SecretAccessKey")
        else {
            throw AWSProviderError(.invalidResponse, "sts \(call): the answer has no <\(result)><Credentials>")
        }
        return AWSCredentials(
            accessKeyID: key, secretAccessKey: secret, sessionToken: credentials.string("SessionToken"),
            expiration: credentials.string("Expiration").flatMap(AWSTimestamp.parse)
        )
    }

    static func defaultSessionName(now: Date = Date()) -> String {
        "discoveryd-\(Int(now.timeIntervalSince1970))"
    }
}
