import HTTPSupport
import AsyncHTTPClient
import AzureProviderTesting
import Crypto
import Foundation
import Logging
import SwiftASN1
import Synchronization
import Testing
import X509
import _CryptoExtras

@testable import AzureProvider

/// `credential_type: client_certificate` against the fake Entra ID, which checks the assertion's
/// signature against the registered certificate, its audience, lifetime and `jti`.
/// Serialized: each test makes 2048-bit RSA keys, which is CPU-heavy next to timing-sensitive suites.
@Suite(.serialized) struct CertificateCredentialTests {
    /// A self-signed certificate and its key, made now with swift-certificates.
    struct TestIdentity {
        var key: _RSA.Signing.PrivateKey
        var certificate: Certificate
        var der: [UInt8]

        init(name: String = "discoveryd-test") throws {
            key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
            let subject = try DistinguishedName { CommonName(name) }
            let now = Date()
            certificate = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
                notValidBefore: now - 3600, notValidAfter: now + 86400, issuer: subject, subject: subject,
                signatureAlgorithm: .sha256WithRSAEncryption, extensions: Certificate.Extensions(),
                issuerPrivateKey: .init(key)
            )
            var serializer = DER.Serializer()
            try serializer.serialize(certificate)
            der = serializer.serializedBytes
        }

        /// The PEM file a user would point `client_certificate_path` at: certificate, then key.
        func writePEM(pkcs8: Bool = true, extraCertificates: [TestIdentity] = []) throws -> String {
            var text = try certificate.serializeAsPEM().pemString + "\n"
            for extra in extraCertificates { text += try extra.certificate.serializeAsPEM().pemString + "\n" }
            text += pkcs8 ? key.pkcs8PEMRepresentation : key.pemRepresentation
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("client-\(UUID().uuidString).pem").path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
    }

    static func configuration(_ fake: FakeAzure, path: String?, password: String? = nil, chain: Bool = false) throws -> AzureProviderConfiguration {
        var configuration = try fake.configuration()
        configuration.credentialKind = .clientCertificate
        configuration.clientSecret = nil
        configuration.clientCertificatePath = path
        configuration.clientCertificatePassword = password
        configuration.sendCertificateChain = chain
        return configuration
    }

    static func credential(_ configuration: AzureProviderConfiguration) throws -> any TokenCredential {
        try CredentialFactory.make(configuration, transport: AsyncHTTPTransport(client: .shared), logger: Logger(label: "test"))
    }

    static func json(_ text: String?) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data((text ?? "").utf8)) as? [String: Any])
    }

    @Test(arguments: [true, false])
    func aRegisteredCertificateGetsATokenAndDiscoveryWorks(pkcs8: Bool) async throws {
        let identity = try TestIdentity()
        try await FakeAzure.with(.standard(standalone: 3, uniform: 0, perScaleSet: 0, flexibleMembers: 0)) { fake in
            fake.state.withLock { $0.registeredCertificates = [identity.der] }
            let path = try identity.writePEM(pkcs8: pkcs8)
            let provider = try #require(
                try AzureProvider.make(Self.configuration(fake, path: path), transport: AsyncHTTPTransport(client: .shared)).first
            )
            #expect(try await provider.fetchInstances().count == 3)
            #expect(fake.count(.entraToken) == 1)

            let form = try #require(fake.requests.first { $0.path.hasSuffix("/oauth2/v2.0/token") }?.form)
            #expect(form["client_secret"] == nil)
            #expect(form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
            let assertion = try #require(fake.lastCertificateAssertion)
            let header = try Self.json(assertion.header)
            #expect(header["alg"] as? String == "RS256")
            #expect(header["x5t"] as? String == Base64URL.encode(Array(Insecure.SHA1.hash(data: identity.der))))
            #expect(header["x5t#S256"] as? String == Base64URL.encode(Array(SHA256.hash(data: identity.der))))
            #expect(header["x5c"] == nil)
            let claims = try Self.json(assertion.claims)
            #expect(claims["aud"] as? String == "\(fake.baseURL)/contoso.onmicrosoft.com/oauth2/v2.0/token")
            #expect(claims["iss"] as? String == "11111111-2222-3333-4444-555555555555")
            #expect(claims["sub"] as? String == "11111111-2222-3333-4444-555555555555")
            let issued = try #require(claims["nbf"] as? Int)
            #expect(claims["exp"] as? Int == issued + 600)
        }
    }

    @Test func sendCertificateChainAddsX5cLeafFirst() async throws {
        let identity = try TestIdentity()
        let issuer = try TestIdentity(name: "discoveryd-test-issuer")
        try await FakeAzure.with { fake in
            fake.state.withLock { $0.registeredCertificates = [identity.der] }
            // The chain's other certificate comes first in the file; the leaf is the one matching the key.
            var text = try issuer.certificate.serializeAsPEM().pemString + "\n"
            text += try identity.certificate.serializeAsPEM().pemString + "\n" + identity.key.pkcs8PEMRepresentation
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("chain-\(UUID().uuidString).pem").path
            try text.write(toFile: path, atomically: true, encoding: .utf8)

            let credential = try Self.credential(Self.configuration(fake, path: path, chain: true))
            _ = try await credential.accessToken()
            let header = try Self.json(fake.lastCertificateAssertion?.header)
            #expect(header["x5c"] as? [String] == [Data(identity.der).base64EncodedString(), Data(issuer.der).base64EncodedString()])
        }
    }

    @Test func eachTokenRequestSendsAFreshAssertion() async throws {
        let identity = try TestIdentity()
        try await FakeAzure.with { fake in
            fake.state.withLock { $0.registeredCertificates = [identity.der] }
            let path = try identity.writePEM()
            let source = try CredentialFactory.Builder(
                configuration: Self.configuration(fake, path: path), transport: AsyncHTTPTransport(client: .shared),
                logger: Logger(label: "test"), now: { Date() }
            ).clientCertificate()
            _ = try await source.fetchToken()
            let first = try Self.json(fake.lastCertificateAssertion?.claims)["jti"] as? String
            _ = try await source.fetchToken()
            let second = try Self.json(fake.lastCertificateAssertion?.claims)["jti"] as? String
            #expect(first != nil && second != nil && first != second)
            #expect(fake.count(.entraToken) == 2)
        }
    }

    @Test func theTokenEndpointRefusesAnUnregisteredKey() async throws {
        let registered = try TestIdentity()
        let other = try TestIdentity()
        try await FakeAzure.with { fake in
            fake.state.withLock { $0.registeredCertificates = [registered.der] }
            let error = await #expect(throws: AzureProviderError.self) {
                try await Self.credential(Self.configuration(fake, path: try other.writePEM())).accessToken()
            }
            #expect(error?.code == .authenticationFailed)
            #expect(error?.message.contains("AADSTS700027") == true)
        }
    }

    @Test func theTokenEndpointRefusesAKeyThatDoesNotMatchTheNamedCertificate() async throws {
        let registered = try TestIdentity()
        let impostor = try TestIdentity()
        try await FakeAzure.with { fake in
            fake.state.withLock { $0.registeredCertificates = [registered.der] }
            // The registered certificate's thumbprint, signed with another key.
            let certificate = ClientCertificate(privateKey: impostor.key, chain: [registered.der])
            let endpoint = try Self.endpoint(fake)
            let assertion = try ClientAssertion(certificate: certificate, sendCertificateChain: false)
                .make(clientID: endpoint.clientID, audience: endpoint.url, now: Date())
            let error = await #expect(throws: AzureProviderError.self) {
                try await endpoint.requestToken(proving: .assertion(assertion), kind: "ClientCertificateCredential")
            }
            #expect(error?.message.contains("signature validation") == true)
        }
    }

    static func endpoint(_ fake: FakeAzure) throws -> EntraTokenEndpoint {
        try CredentialFactory.Builder(
            configuration: fake.configuration(), transport: AsyncHTTPTransport(client: .shared), logger: Logger(label: "test"),
            now: { Date() }
        ).entraEndpoint(tenantID: "contoso.onmicrosoft.com", clientID: "11111111-2222-3333-4444-555555555555")
    }

    @Test func theTokenEndpointRefusesAnExpiredAssertionAndAWrongAudience() async throws {
        let identity = try TestIdentity()
        try await FakeAzure.with { fake in
            fake.state.withLock { $0.registeredCertificates = [identity.der] }
            let certificate = ClientCertificate(privateKey: identity.key, chain: [identity.der])
            let endpoint = try Self.endpoint(fake)
            let assertion = ClientAssertion(certificate: certificate, sendCertificateChain: false)

            let expired = try assertion.make(clientID: endpoint.clientID, audience: endpoint.url, now: Date() - 601)
            let expiredError = await #expect(throws: AzureProviderError.self) {
                try await endpoint.requestToken(proving: .assertion(expired), kind: "ClientCertificateCredential")
            }
            #expect(expiredError?.message.contains("AADSTS700024") == true)

            let elsewhere = try assertion.make(
                clientID: endpoint.clientID, audience: "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token", now: Date()
            )
            let audienceError = await #expect(throws: AzureProviderError.self) {
                try await endpoint.requestToken(proving: .assertion(elsewhere), kind: "ClientCertificateCredential")
            }
            #expect(audienceError?.message.contains("audience") == true)

            let good = try assertion.make(clientID: endpoint.clientID, audience: endpoint.url, now: Date())
            _ = try await endpoint.requestToken(proving: .assertion(good), kind: "ClientCertificateCredential")
            // The same assertion twice: the jti was already redeemed.
            await #expect(throws: AzureProviderError.self) {
                try await endpoint.requestToken(proving: .assertion(good), kind: "ClientCertificateCredential")
            }
        }
    }

    @Test func anEncryptedKeyWrittenByOpenSSLIsDecryptedWithThePassword() async throws {
        let path = Fixtures.root.appendingPathComponent("certificates/client-encrypted.pem").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let certificate = try #require(try PEMDocument.parseMultiple(pemString: text).first { $0.discriminator == "CERTIFICATE" })
        try await FakeAzure.with { fake in
            fake.state.withLock { $0.registeredCertificates = [certificate.derBytes] }
            _ = try await Self.credential(Self.configuration(fake, path: path, password: "correct-horse")).accessToken()
            #expect(fake.count(.entraToken) == 1)

            let wrong = #expect(throws: AzureProviderError.self) {
                try Self.credential(Self.configuration(fake, path: path, password: "wrong-password"))
            }
            #expect(wrong?.message.contains("cannot decrypt the private key in \(path)") == true)
            #expect(wrong?.message.contains("wrong-password") == false)
            let missing = #expect(throws: AzureProviderError.self) { try Self.credential(Self.configuration(fake, path: path)) }
            #expect(missing?.message.contains("client_certificate_password") == true)
        }
    }

    @Test func theDefaultChainUsesACertificateFromTheEnvironment() async throws {
        let identity = try TestIdentity()
        try await FakeAzure.with { fake in
            fake.state.withLock { $0.registeredCertificates = [identity.der] }
            var configuration = try fake.configuration()
            configuration.credentialKind = .default
            configuration.tenantID = nil
            configuration.clientID = nil
            configuration.clientSecret = nil
            configuration.environment = [
                "AZURE_TENANT_ID": "env-tenant", "AZURE_CLIENT_ID": "env-client",
                "AZURE_CLIENT_CERTIFICATE_PATH": try identity.writePEM(), "AZURE_CLIENT_SEND_CERTIFICATE_CHAIN": "true",
            ]
            _ = try await Self.credential(configuration).accessToken()
            #expect(fake.requests.last?.path == "/env-tenant/oauth2/v2.0/token")
            #expect(fake.requests.last?.form["client_id"] == "env-client")
            #expect(try Self.json(fake.lastCertificateAssertion?.header)["x5c"] != nil)
        }
    }

    @Test func unusableFilesAreNamedWithoutTheirContents() throws {
        let identity = try TestIdentity()
        let keyOnly = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem").path
        try identity.key.pkcs8PEMRepresentation.write(toFile: keyOnly, atomically: true, encoding: .utf8)
        let mismatched = try identity.writePEM()
        let other = try TestIdentity()
        var text = try other.certificate.serializeAsPEM().pemString + "\n" + identity.key.pkcs8PEMRepresentation
        try text.write(toFile: mismatched, atomically: true, encoding: .utf8)
        text = ""
        for (path, expected) in [
            ("/nonexistent/client.pem", "cannot read /nonexistent/client.pem"),
            (keyOnly, "holds no CERTIFICATE block"),
            (mismatched, "no certificate in \(mismatched) matches its private key"),
        ] {
            let error = #expect(throws: AzureProviderError.self) { try ClientCertificate.load(path: path, password: nil) }
            #expect(error?.message.contains(expected) == true, "\(path)")
            #expect(error?.message.contains("PRIVATE KEY-----") == false)
        }
    }
}
