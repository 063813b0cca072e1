import AsyncHTTPClient
import Foundation
import HTTPSupport
import HTTPTestSupport
import NIOSSL
import Testing

/// A CA file becomes extra trust roots; verification stays on unless turned off; a bad file is named.
@Suite struct TLSTrustTests {
    @Test func aCAFileAddsTrustRootsAndVerificationStaysOn() throws {
        let configuration = try TLSTrust(caFile: TestPKI.certificateAuthorityFile).tlsConfiguration(configurationKey: "x.ca_file")
        #expect(configuration.additionalTrustRoots.count == 1)
        #expect(configuration.certificateVerification == .fullVerification)
        #expect(try TLSTrust().tlsConfiguration(configurationKey: "x.ca_file").certificateVerification == .fullVerification)
        let off = try TLSTrust(verifiesCertificates: false).tlsConfiguration(configurationKey: "x.ca_file")
        #expect(off.certificateVerification == .none)
    }

    @Test func aCAFileThatIsMissingOrNotPEMIsNamedWithTheKey() throws {
        let missing = #expect(throws: HTTPTransportError.self) {
            try TLSTrust(caFile: "/nonexistent/ca.pem").tlsConfiguration(configurationKey: "haproxy.ca_file")
        }
        #expect(missing?.code == .invalidCAFile)
        #expect(missing?.message == "haproxy.ca_file: /nonexistent/ca.pem cannot be read; give the path of a PEM file of CA certificates")

        let file = FileManager.default.temporaryDirectory.appendingPathComponent("not-a-ca-\(UUID().uuidString).pem")
        try "hello".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let notPEM = #expect(throws: HTTPTransportError.self) {
            try TLSTrust(caFile: file.path).tlsConfiguration(configurationKey: "azure.ca_file")
        }
        #expect(notPEM?.code == .invalidCAFile)
        #expect(notPEM?.message.hasPrefix("azure.ca_file: \(file.path) contains no PEM certificate") == true)
    }

    @Test func clientsAreSharedPerTrust() throws {
        let clients = SharedHTTPClients.shared
        let trust = TLSTrust(caFile: TestPKI.certificateAuthorityFile)
        #expect(try clients.client(trust: trust, configurationKey: "k") === clients.client(trust: trust, configurationKey: "k"))
        #expect(try clients.client(trust: TLSTrust(), configurationKey: "k") === HTTPClient.shared)
    }
}

/// Plain http only to this machine unless the configuration opts in.
@Suite struct PlainHTTPRuleTests {
    @Test func plainHTTPOnlyToLoopbackUnlessAllowed() throws {
        func permits(_ text: String, allowing: Bool = false) -> Bool {
            PlainHTTPRule.permits(URL(string: text)!, allowingPlainHTTP: allowing)
        }
        #expect(permits("https://management.azure.com"))
        #expect(permits("http://127.0.0.1:5555"))
        #expect(permits("http://localhost:8080/x"))
        #expect(permits("http://[::1]:5555"))
        #expect(!permits("http://10.0.0.1:5555"))
        #expect(!permits("http://dataplane.example:5555"))
        #expect(permits("http://dataplane.example:5555", allowing: true))
        #expect(!permits("ftp://127.0.0.1/"))
        #expect(!permits("https:///nohost"))
    }
}
