import DiscoverydCore
import DiscoverydTesting
import Foundation
import Testing

/// Issue 9's cases that a user sees on the command line: secrets in the base URL, forged log lines,
/// plain http with credentials.
@Suite("Safety on the command line")
struct SafetyCommandLineTests {
    let binary: DiscoverydBinary

    init() throws {
        binary = try #require(DiscoverydBinary.locate(), "the discoveryd executable was not built")
    }

    func withDirectory(_ body: (URL) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("discoveryd-safety-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try await body(directory)
    }

    /// Seen: `http://admin:S3cr3t@host:5555` was printed by `--validate` and the start log.
    @Test("a password in haproxy.base_url is redacted in --validate and in errors")
    func baseURLUserInfoIsRedacted() async throws {
        try await withDirectory { directory in
            // --validate reads the static file it names, so there must be one.
            try "instances: []\n".write(to: directory.appendingPathComponent("instances.yaml"), atomically: true, encoding: .utf8)
            let config = directory.appendingPathComponent("config.yaml")
            try """
                static: {path: instances.yaml}
                haproxy:
                  base_url: http://admin:S3cr3t@127.0.0.1:5555
                  password: pw
                """.write(to: config, atomically: true, encoding: .utf8)
            let validated = try await binary.run(["--validate", "-c", config.path])
            #expect(validated.status == 0)
            #expect(validated.stdout.contains("http://***@127.0.0.1:5555"))
            #expect(!validated.stdout.contains("S3cr3t") && !validated.stderr.contains("S3cr3t"))

            try """
                static: {path: instances.yaml}
                haproxy:
                  base_url: "ftp://admin:S3cr3t@127.0.0.1:5555"
                  password: pw
                """.write(to: config, atomically: true, encoding: .utf8)
            let broken = try await binary.run(["--validate", "-c", config.path])
            #expect(broken.status == 1)
            #expect(broken.stderr.contains("***@127.0.0.1"))
            #expect(!broken.stderr.contains("S3cr3t"))
        }
    }

    @Test("plain http with credentials to a host that is not loopback is refused, naming the setting")
    func plainHTTPToARemoteAPIIsRefused() async throws {
        try await withDirectory { directory in
            let config = directory.appendingPathComponent("config.yaml")
            try "instances: []\n".write(to: directory.appendingPathComponent("instances.yaml"), atomically: true, encoding: .utf8)
            try """
                static: {path: instances.yaml}
                haproxy:
                  base_url: http://192.0.2.10:5555
                  password: pw
                """.write(to: config, atomically: true, encoding: .utf8)
            let result = try await binary.run(["--once", "-c", config.path])
            #expect(result.status == 1)
            #expect(result.stderr.contains("haproxy.allow_insecure_http"))
        }
    }

    /// Seen: a newline in an instance name forged a separate `critical` log line.
    @Test("text logs escape control characters from providers, so no line can be forged")
    func textLogsEscapeControlCharacters() async throws {
        try await withDirectory { directory in
            try """
                instances:
                  - id: web-1
                    name: "web-1\\nFORGED critical: everything is on fire"
                    address: 127.0.0.11
                    region: local
                    tags:
                      HAProxy:Service:Name: web
                      HAProxy:Service:Port: "70000"
                """.write(to: directory.appendingPathComponent("instances.yaml"), atomically: true, encoding: .utf8)
            let config = directory.appendingPathComponent("config.yaml")
            try """
                static: {path: instances.yaml}
                haproxy: {runtime_socket: \(directory.appendingPathComponent("nothing-here.sock").path)}
                logging: {level: debug}
                """.write(to: config, atomically: true, encoding: .utf8)
            let result = try await binary.run(["--once", "-c", config.path])
            #expect(result.stderr.contains("web-1\\nFORGED"), "the name is logged, escaped")
            let forged = result.stderr.split(separator: "\n").filter { $0.hasPrefix("FORGED") }
            #expect(forged.isEmpty, "no log line starts with the text after the newline")
        }
    }
}
