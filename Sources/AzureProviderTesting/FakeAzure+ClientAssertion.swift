import Crypto
import Foundation
import SwiftASN1
import Synchronization
import X509
import _CryptoExtras

/// Certificate credentials as Entra ID checks them: a client assertion whose header names a certificate
/// (`x5t`) must be signed RS256 by that certificate's key, the certificate must be registered on the app,
/// `aud` must be this token endpoint, `iss` and `sub` the client id, the time window current, and the
/// `jti` not seen before. Assertions without `x5t` (federated tokens for workload identity) pass through.
extension FakeAzure {
    /// What the last certificate assertion carried, decoded (JSON text), for tests to inspect.
    public struct ReceivedAssertion: Sendable {
        public var header: String
        public var claims: String
    }

    public var lastCertificateAssertion: ReceivedAssertion? { state.withLock { $0.lastCertificateAssertion } }

    static func verifyCertificateAssertion(_ form: [String: String], _ request: FakeRequest, _ state: inout State) -> FakeResponse? {
        let parts = (form["client_assertion"] ?? "").split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, let headerBytes = base64URLDecode(parts[0]),
            let header = try? JSONSerialization.jsonObject(with: headerBytes) as? [String: Any]
        else { return nil }
        guard let thumbprint = header["x5t"] as? String else { return nil }
        func refuse(_ code: String, _ description: String) -> FakeResponse {
            json(401, ["error": "invalid_client", "error_description": "\(code): \(description)\r\nTrace ID: 1"])
        }
        guard header["alg"] as? String == "RS256" else { return refuse("AADSTS5002730", "Invalid JWT token. Unsupported algorithm.") }
        guard let claimsBytes = base64URLDecode(parts[1]),
            let claims = try? JSONSerialization.jsonObject(with: claimsBytes) as? [String: Any],
            let signature = base64URLDecode(parts[2])
        else { return refuse("AADSTS50027", "JWT token is invalid or malformed.") }
        state.lastCertificateAssertion = ReceivedAssertion(
            header: String(decoding: headerBytes, as: UTF8.self), claims: String(decoding: claimsBytes, as: UTF8.self)
        )

        guard let registered = state.registeredCertificates.first(where: { base64URL(Insecure.SHA1.hash(data: $0)) == thumbprint })
        else {
            return refuse("AADSTS700027", "The certificate with identifier used to sign the client assertion is not registered on application.")
        }
        if let sha256 = header["x5t#S256"] as? String, sha256 != base64URL(SHA256.hash(data: registered)) {
            return refuse("AADSTS700027", "x5t#S256 does not match the certificate named by x5t.")
        }
        if let chain = header["x5c"] as? [String], chain.first.flatMap({ Data(base64Encoded: $0) }) != Data(registered) {
            return refuse("AADSTS700027", "The first certificate of x5c is not the signing certificate.")
        }
        guard let certificate = try? Certificate(derEncoded: registered), let key = _RSA.Signing.PublicKey(certificate.publicKey),
            key.isValidSignature(
                _RSA.Signing.RSASignature(rawRepresentation: signature), for: Data((parts[0] + "." + parts[1]).utf8),
                padding: .insecurePKCS1v1_5
            )
        else { return refuse("AADSTS700027", "Client assertion failed signature validation.") }

        let tokenEndpoint = state.baseURLForLinks + request.path
        guard claims["aud"] as? String == tokenEndpoint else {
            return refuse("AADSTS700016", "The audience of the client assertion is not \(tokenEndpoint).")
        }
        guard let clientID = form["client_id"], claims["iss"] as? String == clientID, claims["sub"] as? String == clientID else {
            return refuse("AADSTS700023", "The client assertion's iss and sub must be the client id.")
        }
        let now = state.now().timeIntervalSince1970
        guard let expiry = (claims["exp"] as? NSNumber)?.doubleValue, let notBefore = (claims["nbf"] as? NSNumber)?.doubleValue,
            notBefore <= now + 300, now < expiry
        else { return refuse("AADSTS700024", "Client assertion is not within its valid time range.") }
        guard let id = claims["jti"] as? String, !id.isEmpty, state.redeemedAssertionIDs.insert(id).inserted else {
            return refuse("AADSTS700025", "The client assertion's jti is missing or was already used.")
        }
        return nil
    }

    static func base64URL(_ digest: some Sequence<UInt8>) -> String {
        Data(digest).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func base64URLDecode(_ text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}
