import Foundation
import Testing

@testable import AWSProvider

/// AWS's published Signature Version 4 test suite (`Fixtures/aws/sigv4/`): every case's canonical request,
/// string to sign and `Authorization` header must match byte for byte.
@Suite struct SigV4TestSuiteTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/aws/sigv4")
    static let credentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    static let date = Date(timeIntervalSince1970: 1_440_938_160)  // 2015-08-30T12:36:00Z

    static var cases: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { !$0.hasSuffix(".md") }
            .sorted()
    }

    @Test func theSuiteIsPresent() {
        #expect(Self.cases.count >= 15)
        #expect(Self.cases.contains("get-vanilla"))
        #expect(Self.cases.contains("post-x-www-form-urlencoded-parameters"))
    }

    @Test(arguments: cases)
    func matchesThePublishedVector(_ name: String) throws {
        let folder = Self.directory.appendingPathComponent(name)
        func file(_ ext: String) throws -> String {
            try String(contentsOf: folder.appendingPathComponent("\(name).\(ext)"), encoding: .utf8)
        }
        let request = try Self.parse(try file("req"))
        let signed = SigV4Signer(region: "us-east-1", service: "service")
            .signature(for: request, credentials: Self.credentials, date: Self.date)
        #expect(signed.canonicalRequest == (try file("creq")))
        #expect(signed.stringToSign == (try file("sts")))
        #expect(signed.authorization == (try file("authz")))
    }

    @Test func signAddsTheHeadersItSigns() {
        var request = SigV4Signer.Request(method: "GET", headers: [])
        let temporary = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "secret", sessionToken: "token-1")
        SigV4Signer(region: "eu-west-1", service: "ec2").sign(&request, host: "ec2.eu-west-1.amazonaws.com", credentials: temporary, date: Self.date)
        let names = request.headers.map { $0.name.lowercased() }
        #expect(names == ["host", "x-amz-date", "x-amz-security-token", "authorization"])
        let authorization = request.headers.last!.value
        #expect(authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/eu-west-1/ec2/aws4_request, "))
        #expect(authorization.contains("SignedHeaders=host;x-amz-date;x-amz-security-token,"))
        #expect(!authorization.contains("secret"))
    }

    @Test func credentialsNeverPrintTheirSecrets() {
        let credentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "very-secret", sessionToken: "session-secret")
        let printed = "\(credentials) \(String(describing: credentials)) \(String(reflecting: credentials))"
        #expect(!printed.contains("very-secret"))
        #expect(!printed.contains("session-secret"))
        #expect(printed.contains("AKIDEXAMPLE"))
    }

    /// A `.req` file: request line, `Name:value` headers, blank line, body.
    static func parse(_ text: String) throws -> SigV4Signer.Request {
        let parts = text.components(separatedBy: "\n\n")
        var lines = parts[0].components(separatedBy: "\n")
        let requestLine = lines.removeFirst()
        let method = String(requestLine.prefix { $0 != " " })
        let target = String(requestLine.dropFirst(method.count + 1).dropLast(" HTTP/1.1".count))
        let (path, queryText) = target.firstIndex(of: "?").map { (String(target[..<$0]), String(target[target.index(after: $0)...])) }
            ?? (target, "")
        var query: [(name: String, value: String)] = []
        for pair in queryText.split(separator: "&") {
            let pieces = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            query.append((String(pieces[0]), pieces.count > 1 ? String(pieces[1]) : ""))
        }
        let headers = lines.map { line -> (name: String, value: String) in
            let colon = line.firstIndex(of: ":")!
            return (String(line[..<colon]), String(line[line.index(after: colon)...]))
        }
        let body = parts.count > 1 ? parts.dropFirst().joined(separator: "\n\n") : ""
        return SigV4Signer.Request(method: method, path: path, query: query, headers: headers, body: Array(body.utf8))
    }
}
