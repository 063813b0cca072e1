import Crypto
import Foundation
import SwiftASN1
import _CryptoExtras

/// Decrypts a PKCS#8 `EncryptedPrivateKeyInfo` (RFC 5958) protected with PBES2 (RFC 8018): PBKDF2 with
/// HMAC-SHA-1/-256/-384/-512 and AES-128/192/256-CBC — what `openssl pkcs8 -topk8 -v2 aes-256-cbc`,
/// `openssl genpkey -aes256` and the Azure portal's PEM exports write. The structure is read with
/// swift-asn1; PBKDF2 and AES-CBC are swift-crypto's.
enum EncryptedPrivateKey {
    static let pbes2 = "1.2.840.113549.1.5.13"
    static let pbkdf2 = "1.2.840.113549.1.5.12"
    static let hashFunctions: [String: KDF.Insecure.PBKDF2.HashFunction] = [
        "1.2.840.113549.2.7": .insecureSHA1, "1.2.840.113549.2.9": .sha256,
        "1.2.840.113549.2.10": .sha384, "1.2.840.113549.2.11": .sha512,
    ]
    static let ciphers: [String: Int] = [
        "2.16.840.1.101.3.4.1.2": 16, "2.16.840.1.101.3.4.1.22": 24, "2.16.840.1.101.3.4.1.42": 32,
    ]

    /// The PKCS#8 `PrivateKeyInfo` DER inside `der`; errors name `file`, never the password.
    static func decrypt(_ der: [UInt8], password: String, file: String) throws -> [UInt8] {
        let info: Info
        do {
            info = try Info(der)
        } catch let error as AzureProviderError {
            throw AzureProviderError(error.code, "ClientCertificateCredential: the encrypted key in \(file) \(error.message)")
        } catch {
            throw AzureProviderError(
                .invalidConfiguration, "ClientCertificateCredential: the encrypted key in \(file) is not a PKCS#8 EncryptedPrivateKeyInfo"
            )
        }
        do {
            let key = try KDF.Insecure.PBKDF2.deriveKey(
                from: Array(password.utf8), salt: info.salt, using: info.hashFunction, outputByteCount: info.keyLength,
                unsafeUncheckedRounds: info.iterations
            )
            let plain = try AES._CBC.decrypt(info.ciphertext, using: key, iv: AES._CBC.IV(ivBytes: info.iv))
            // A wrong password almost always fails the padding check; if not, the DER will not parse.
            _ = try DER.parse(Array(plain))
            return Array(plain)
        } catch {
            throw AzureProviderError(
                .invalidConfiguration,
                "ClientCertificateCredential: cannot decrypt the private key in \(file); is client_certificate_password (or AZURE_CLIENT_CERTIFICATE_PASSWORD) right?"
            )
        }
    }

    /// The parts of an `EncryptedPrivateKeyInfo` with PBES2 parameters that decryption needs.
    struct Info {
        var salt: [UInt8]
        var iterations: Int
        var keyLength: Int
        var hashFunction: KDF.Insecure.PBKDF2.HashFunction
        var iv: [UInt8]
        var ciphertext: [UInt8]

        init(_ der: [UInt8]) throws {
            // EncryptedPrivateKeyInfo ::= SEQUENCE { encryptionAlgorithm AlgorithmIdentifier, encryptedData OCTET STRING }
            let (scheme, parameters, ciphertext) = try DER.sequence(try DER.parse(der), identifier: .sequence) { nodes in
                let (scheme, parameters) = try Self.algorithmIdentifier(try Self.next(&nodes))
                return (scheme, parameters, try ASN1OctetString(derEncoded: &nodes))
            }
            guard scheme == EncryptedPrivateKey.pbes2, let parameters else {
                throw AzureProviderError(.invalidConfiguration, "is not encrypted with PBES2 (re-encrypt it with `openssl pkcs8 -topk8 -v2 aes-256-cbc`)")
            }
            // PBES2-params ::= SEQUENCE { keyDerivationFunc AlgorithmIdentifier, encryptionScheme AlgorithmIdentifier }
            let (kdf, cipher) = try DER.sequence(parameters, identifier: .sequence) { nodes in
                (try Self.algorithmIdentifier(try Self.next(&nodes)), try Self.algorithmIdentifier(try Self.next(&nodes)))
            }
            guard kdf.0 == EncryptedPrivateKey.pbkdf2, let kdfParameters = kdf.1 else {
                throw AzureProviderError(.invalidConfiguration, "does not use PBKDF2")
            }
            guard let keyLength = EncryptedPrivateKey.ciphers[cipher.0], let ivNode = cipher.1 else {
                throw AzureProviderError(.invalidConfiguration, "is encrypted with \(cipher.0), not AES-CBC")
            }
            // PBKDF2-params ::= SEQUENCE { salt OCTET STRING, iterationCount INTEGER, keyLength INTEGER OPTIONAL,
            //                              prf AlgorithmIdentifier DEFAULT hmacWithSHA1 }
            let (salt, iterations, prf) = try DER.sequence(kdfParameters, identifier: .sequence) { nodes in
                let salt = try ASN1OctetString(derEncoded: &nodes)
                let iterations = try Int(derEncoded: &nodes)
                var prf = "1.2.840.113549.2.7"
                while let node = nodes.next() {
                    if node.identifier == .sequence { prf = try Self.algorithmIdentifier(node).0 }
                }
                return (salt, iterations, prf)
            }
            guard let hashFunction = EncryptedPrivateKey.hashFunctions[prf] else {
                throw AzureProviderError(.invalidConfiguration, "uses the unsupported PBKDF2 hash \(prf)")
            }
            guard (1...10_000_000).contains(iterations) else {
                throw AzureProviderError(.invalidConfiguration, "has an implausible PBKDF2 iteration count \(iterations)")
            }
            let iv = try ASN1OctetString(derEncoded: ivNode)
            guard iv.bytes.count == 16 else { throw AzureProviderError(.invalidConfiguration, "has an AES IV that is not 16 bytes") }
            self.salt = Array(salt.bytes)
            self.iterations = iterations
            self.keyLength = keyLength
            self.hashFunction = hashFunction
            self.iv = Array(iv.bytes)
            self.ciphertext = Array(ciphertext.bytes)
        }

        /// AlgorithmIdentifier ::= SEQUENCE { algorithm OBJECT IDENTIFIER, parameters ANY OPTIONAL }
        static func algorithmIdentifier(_ node: ASN1Node) throws -> (String, ASN1Node?) {
            try DER.sequence(node, identifier: .sequence) { nodes in
                (String(describing: try ASN1ObjectIdentifier(derEncoded: &nodes)), nodes.next())
            }
        }

        static func next(_ nodes: inout ASN1NodeCollection.Iterator) throws -> ASN1Node {
            guard let node = nodes.next() else { throw ASN1Error.invalidASN1Object(reason: "missing field") }
            return node
        }
    }
}
