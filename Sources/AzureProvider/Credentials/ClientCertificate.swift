import Crypto
import Foundation
import SwiftASN1
import X509
import _CryptoExtras

/// A service principal's certificate and its RSA private key, read from one PEM file (what
/// `az ad sp create-for-rbac --create-cert` writes and the Azure SDKs read): one or more
/// `CERTIFICATE` blocks and one `PRIVATE KEY`, `RSA PRIVATE KEY` or — with a password —
/// `ENCRYPTED PRIVATE KEY` (PKCS#8, PBES2) block.
///
/// The leaf is the certificate whose public key is the private key's; the others are its chain.
struct ClientCertificate: Sendable {
    var privateKey: _RSA.Signing.PrivateKey
    /// DER, leaf first.
    var chain: [[UInt8]]

    var leaf: [UInt8] { chain[0] }
    /// `x5t`: base64url of the leaf's SHA-1 thumbprint, which Entra ID uses to find the registered key.
    var sha1Thumbprint: String { Base64URL.encode(Array(Insecure.SHA1.hash(data: leaf))) }
    /// `x5t#S256`: base64url of the leaf's SHA-256 thumbprint.
    var sha256Thumbprint: String { Base64URL.encode(Array(SHA256.hash(data: leaf))) }

    /// Reads `path`; errors name the file and what is wrong with it, never the key or the password.
    static func load(path: String, password: String?) throws -> ClientCertificate {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw failure("cannot read \(path)")
        }
        let documents: [PEMDocument]
        do {
            documents = try PEMDocument.parseMultiple(pemString: text)
        } catch {
            throw failure("\(path) is not a PEM file (expected CERTIFICATE and PRIVATE KEY blocks)")
        }
        let certificates = documents.filter { $0.discriminator == "CERTIFICATE" }
        guard !certificates.isEmpty else { throw failure("\(path) holds no CERTIFICATE block") }
        let keys = documents.filter { ["PRIVATE KEY", "RSA PRIVATE KEY", "ENCRYPTED PRIVATE KEY"].contains($0.discriminator) }
        guard keys.count == 1, let keyDocument = keys.first else {
            if text.contains("Proc-Type: 4,ENCRYPTED") {
                throw failure(
                    "\(path): the key uses the legacy OpenSSL encryption (Proc-Type); convert it with `openssl pkcs8 -topk8 -v2 aes-256-cbc`"
                )
            }
            throw failure("\(path) must hold exactly one private key block (PRIVATE KEY, RSA PRIVATE KEY or ENCRYPTED PRIVATE KEY)")
        }

        var keyBytes = keyDocument.derBytes
        if keyDocument.discriminator == "ENCRYPTED PRIVATE KEY" {
            guard let password, !password.isEmpty else {
                throw failure("the private key in \(path) is encrypted; set azure.client_certificate_password or AZURE_CLIENT_CERTIFICATE_PASSWORD")
            }
            keyBytes = try EncryptedPrivateKey.decrypt(keyBytes, password: password, file: path)
        }
        let privateKey: _RSA.Signing.PrivateKey
        do {
            privateKey = try _RSA.Signing.PrivateKey(derRepresentation: keyBytes)
        } catch {
            throw failure("the private key in \(path) is not an RSA key of at least 2048 bits")
        }

        let expected = Certificate.PublicKey(privateKey.publicKey)
        var leaf: [UInt8]?
        var others: [[UInt8]] = []
        for document in certificates {
            let certificate: Certificate
            do {
                certificate = try Certificate(derEncoded: document.derBytes)
            } catch {
                throw failure("a CERTIFICATE block in \(path) is not an X.509 certificate")
            }
            if leaf == nil, certificate.publicKey == expected {
                leaf = document.derBytes
            } else {
                others.append(document.derBytes)
            }
        }
        guard let leaf else { throw failure("no certificate in \(path) matches its private key") }
        return ClientCertificate(privateKey: privateKey, chain: [leaf] + others)
    }

    private static func failure(_ message: String) -> AzureProviderError {
        AzureProviderError(.invalidConfiguration, "ClientCertificateCredential: \(message)")
    }
}

/// Unpadded base64url (RFC 7515 §2), as JWTs use it.
enum Base64URL {
    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
