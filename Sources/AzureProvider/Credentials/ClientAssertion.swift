import Foundation
import _CryptoExtras

/// The signed JWT a confidential client proves itself with (RFC 7523; Microsoft identity platform
/// "certificate credentials"): RS256, `x5t` and `x5t#S256` naming the certificate, optionally `x5c` (the
/// chain, for subject-name/issuer authentication); `aud` the token endpoint, `iss` = `sub` = the client id,
/// a fresh `jti`, valid for 10 minutes.
struct ClientAssertion {
    static let lifetime: TimeInterval = 600

    var certificate: ClientCertificate
    var sendCertificateChain: Bool

    func make(clientID: String, audience: String, now: Date, id: UUID = UUID()) throws -> String {
        var header: [String: Any] = [
            "alg": "RS256", "typ": "JWT", "x5t": certificate.sha1Thumbprint, "x5t#S256": certificate.sha256Thumbprint,
        ]
        if sendCertificateChain {
            header["x5c"] = certificate.chain.map { Data($0).base64EncodedString() }
        }
        let issuedAt = Int(now.timeIntervalSince1970)
        let claims: [String: Any] = [
            "aud": audience, "iss": clientID, "sub": clientID, "jti": id.uuidString.lowercased(),
            "iat": issuedAt, "nbf": issuedAt, "exp": issuedAt + Int(Self.lifetime),
        ]
        let signingInput =
            Base64URL.encode(try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]))
            + "." + Base64URL.encode(try JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys]))
        let signature = try certificate.privateKey.signature(for: Data(signingInput.utf8), padding: .insecurePKCS1v1_5)
        return signingInput + "." + Base64URL.encode(signature.rawRepresentation)
    }
}

/// A service principal with a certificate (`credential_type: client_certificate`).
///
/// The PEM file is read again for every new token, so a renewed certificate is picked up without a
/// restart.
struct ClientCertificateSource: TokenSource {
    var kind: String { "ClientCertificateCredential" }
    var endpoint: EntraTokenEndpoint
    var path: String
    var password: String?
    var sendCertificateChain: Bool

    func fetchToken() async throws -> AccessToken {
        let certificate = try ClientCertificate.load(path: path, password: password)
        let assertion = try ClientAssertion(certificate: certificate, sendCertificateChain: sendCertificateChain)
            .make(clientID: endpoint.clientID, audience: endpoint.url, now: endpoint.now())
        return try await endpoint.requestToken(proving: .assertion(assertion), kind: kind)
    }
}
