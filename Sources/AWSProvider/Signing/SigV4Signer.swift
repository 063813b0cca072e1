import Crypto
import Foundation

/// AWS Signature Version 4 (header form), as specified in AWS's "Signature Version 4 signing process".
///
/// Pure: the same request, credentials and date always give the same signature, so the published SigV4
/// test suite checks every step (canonical request, string to sign, `Authorization`). HMAC-SHA256 and
/// SHA-256 come from swift-crypto.
///
/// Paths are used as given after percent-encoding each segment; they are not normalised (`.`/`..`), since
/// the Query APIs this provider calls always post to `/`.
public struct SigV4Signer: Sendable {
    public var region: String
    public var service: String

    public init(region: String, service: String) {
        self.region = region
        self.service = service
    }

    /// A request as the signer sees it: the query is decoded pairs, the headers as sent.
    public struct Request: Sendable {
        public var method: String
        public var path: String
        public var query: [(name: String, value: String)]
        public var headers: [(name: String, value: String)]
        public var body: [UInt8]

        public init(
            method: String,
            path: String = "/",
            query: [(name: String, value: String)] = [],
            headers: [(name: String, value: String)],
            body: [UInt8] = []
        ) {
            self.method = method
            self.path = path
            self.query = query
            self.headers = headers
            self.body = body
        }
    }

    /// Every intermediate product, so tests can compare each with the published vectors.
    public struct Signature: Sendable {
        public var canonicalRequest: String
        public var stringToSign: String
        public var signedHeaders: String
        public var signature: String
        public var authorization: String
    }

    /// Signs `request` as it stands; it must already carry `Host` and `X-Amz-Date` (and
    /// `X-Amz-Security-Token` when the credentials have one), which ``sign(_:credentials:date:)`` adds.
    public func signature(for request: Request, credentials: AWSCredentials, date: Date) -> Signature {
        let (amzDate, day) = Self.timestamps(date)
        let canonicalHeaders = Self.canonicalHeaders(request.headers)
        let signedHeaders = canonicalHeaders.map(\.name).joined(separator: ";")
        let canonicalRequest = [
            request.method.uppercased(),
            Self.canonicalPath(request.path),
            Self.canonicalQuery(request.query),
            canonicalHeaders.map { "\($0.name):\($0.value)\n" }.joined(),
            signedHeaders,
            Self.hexSHA256(request.body),
        ].joined(separator: "\n")
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let stringToSign = [
            "AWS4-HMAC-SHA256", amzDate, scope, Self.hexSHA256(Array(canonicalRequest.utf8)),
        ].joined(separator: "\n")
        let key = signingKey(secret: credentials.secretAccessKey, day: day)
        let signature = HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key).hex
        let authorization = "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), "
            + "SignedHeaders=\(signedHeaders), Signature=\(signature)"
        return Signature(
            canonicalRequest: canonicalRequest,
            stringToSign: stringToSign,
            signedHeaders: signedHeaders,
            signature: signature,
            authorization: authorization
        )
    }

    /// Adds `Host`, `X-Amz-Date`, `X-Amz-Security-Token` (temporary credentials) and `Authorization`.
    public func sign(_ request: inout Request, host: String, credentials: AWSCredentials, date: Date) {
        request.headers.removeAll {
            ["host", "x-amz-date", "x-amz-security-token", "authorization"].contains($0.name.lowercased())
        }
        request.headers.append(("Host", host))
        request.headers.append(("X-Amz-Date", Self.timestamps(date).amzDate))
        if let token = credentials.sessionToken {
            request.headers.append(("X-Amz-Security-Token", token))
        }
        let signed = signature(for: request, credentials: credentials, date: date)
        request.headers.append(("Authorization", signed.authorization))
    }

    func signingKey(secret: String, day: String) -> SymmetricKey {
        var key = SymmetricKey(data: Array("AWS4\(secret)".utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key))
        }
        return key
    }

    static func timestamps(_ date: Date) -> (amzDate: String, day: String) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let day = String(format: "%04d%02d%02d", c.year!, c.month!, c.day!)
        return (day + String(format: "T%02d%02d%02dZ", c.hour!, c.minute!, c.second!), day)
    }

    /// Lower-cased names, sorted; values trimmed with inner runs of spaces collapsed; repeated headers
    /// joined with commas in the order sent.
    static func canonicalHeaders(_ headers: [(name: String, value: String)]) -> [(name: String, value: String)] {
        var order: [String] = []
        var values: [String: [String]] = [:]
        for header in headers {
            let name = header.name.lowercased()
            if values[name] == nil { order.append(name) }
            let collapsed = header.value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            values[name, default: []].append(collapsed.trimmingCharacters(in: .whitespaces))
        }
        return order.sorted().map { ($0, values[$0]!.joined(separator: ",")) }
    }

    static func canonicalPath(_ path: String) -> String {
        guard !path.isEmpty else { return "/" }
        return path.split(separator: "/", omittingEmptySubsequences: false)
            .map { AWSPercentEncoding.encode(String($0)) }
            .joined(separator: "/")
    }

    /// Pairs encoded, then sorted by name and value (byte order).
    static func canonicalQuery(_ query: [(name: String, value: String)]) -> String {
        // Encoded text is ASCII, so String ordering is byte ordering.
        let encoded: [(name: String, value: String)] = query.map { pair in
            (AWSPercentEncoding.encode(pair.name), AWSPercentEncoding.encode(pair.value))
        }
        let sorted = encoded.sorted { lhs, rhs in
            lhs.name == rhs.name ? lhs.value < rhs.value : lhs.name < rhs.name
        }
        return sorted.map { pair in pair.name + "=" + pair.value }.joined(separator: "&")
    }

    static func hexSHA256(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).hex
    }
}

/// RFC 3986 percent-encoding as AWS requires it: everything but `A–Z a–z 0–9 - _ . ~`, UTF-8, upper-case hex.
/// Used for SigV4 and for the Query APIs' form bodies.
enum AWSPercentEncoding {
    private static let hexDigits: [Unicode.Scalar] = Array("0123456789ABCDEF".unicodeScalars)

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x41...0x5A, 0x61...0x7A, 0x30...0x39: true  // A-Z a-z 0-9
        case 0x2D, 0x5F, 0x2E, 0x7E: true  // - _ . ~
        default: false
        }
    }

    static func encode(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if isUnreserved(byte) {
                result.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                result += "%"
                result.unicodeScalars.append(hexDigits[Int(byte >> 4)])
                result.unicodeScalars.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return result
    }

    /// `name=value&…` in the order given.
    static func form(_ parameters: [(String, String)]) -> String {
        parameters.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
    }
}

extension Sequence where Element == UInt8 {
    /// Lower-case hex, as SigV4 writes hashes and signatures.
    var hex: String {
        let digits = Array("0123456789abcdef".unicodeScalars)
        var text = ""
        for byte in self {
            text.unicodeScalars.append(digits[Int(byte >> 4)])
            text.unicodeScalars.append(digits[Int(byte & 0x0F)])
        }
        return text
    }
}
