import DataPlaneTesting
import Foundation
import HAProxySink
import Testing

/// TLS to the Data Plane API: verified by default, an extra CA via `ca_file`, or `verify_ssl: false`.
@Suite("Data Plane client TLS")
struct DataPlaneTLSTests {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/tls")
    static let certificate = fixtures.appendingPathComponent("dataplane-cert.pem").path
    static let key = fixtures.appendingPathComponent("dataplane-key.pem").path
    static let ca = fixtures.appendingPathComponent("test-ca.pem").path

    func withTLSServer(_ body: (FakeDataPlaneServer) async throws -> Void) async throws {
        let server = try await FakeDataPlaneServer.start(FakeDataPlaneAPI(apiVersion: .v3), tls: (Self.certificate, Self.key))
        do {
            try await body(server)
        } catch {
            try? await server.shutdown()
            throw error
        }
        try await server.shutdown()
    }

    @Test func anUntrustedCertificateIsRejectedByDefault() async throws {
        try await withTLSServer { server in
            var configuration = server.clientConfiguration()
            // The pool retries failed handshakes until the deadline: keep it short.
            configuration.timeout = .milliseconds(500)
            #expect(configuration.verifySSL)
            let client = try DataPlaneClient(configuration: configuration)
            let error = try await #require(throws: DataPlaneError.self) { try await client.configurationVersion() }
            #expect(error.code == .transport)
            #expect(server.api.counters.requests == 0)
            try await client.shutdown()
        }
    }

    @Test func theConfiguredCAFileIsTrusted() async throws {
        try await withTLSServer { server in
            var configuration = server.clientConfiguration()
            configuration.caFile = Self.ca
            let client = try DataPlaneClient(configuration: configuration)
            #expect(try await client.configurationVersion() == server.api.version)
            try await client.shutdown()
        }
    }

    @Test func verificationCanBeTurnedOff() async throws {
        try await withTLSServer { server in
            var configuration = server.clientConfiguration()
            configuration.verifySSL = false
            let client = try DataPlaneClient(configuration: configuration)
            #expect(try await client.configurationVersion() == server.api.version)
            try await client.shutdown()
        }
    }
}
