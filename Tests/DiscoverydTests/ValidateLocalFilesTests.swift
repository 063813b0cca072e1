import DiscoverydTesting
import Foundation
import Testing

/// `--validate` connects to nothing, but reads every local file the configuration names.
extension CommandLineTests {
    /// A directory with `config.yaml` and the given files; removed by the caller.
    func validationDirectory(config: String, files: [String: String] = [:]) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("discoveryd-validate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try config.write(to: directory.appendingPathComponent("config.yaml"), atomically: true, encoding: .utf8)
        for (name, text) in files {
            try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return directory
    }

    static let fleet = "instances:\n  - id: web-1\n    address: 10.0.0.1\n    region: r\n"

    @Test("--validate reads the static file and looks for the runtime socket, and lists both on its line")
    func validateListsWhatItChecked() async throws {
        let directory = try validationDirectory(
            config: "static: {path: fleet.yaml}\nhaproxy: {runtime_socket: ./admin.sock}\n",
            files: ["fleet.yaml": Self.fleet]
        )
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("config.yaml").path
        let socket = FileManager.default.currentDirectoryPath + "/admin.sock"

        let result = try await binary.run(["--validate", "-c", config])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.split(separator: "\n").count == 1)
        #expect(result.stdout.contains("; checked static file \(directory.path)/fleet.yaml: 1 instance, "))
        #expect(result.stdout.contains("runtime socket ") && result.stdout.contains("does not exist yet"), "\(socket)")
    }

    @Test("--validate says the runtime socket exists when it does")
    func validateSeesTheSocket() async throws {
        let directory = try validationDirectory(config: "", files: ["fleet.yaml": Self.fleet, "admin.sock": ""])
        defer { try? FileManager.default.removeItem(at: directory) }
        let socket = directory.appendingPathComponent("admin.sock").path
        try "static: {path: fleet.yaml}\nhaproxy: {runtime_socket: \(socket)}\n"
            .write(to: directory.appendingPathComponent("config.yaml"), atomically: true, encoding: .utf8)

        let result = try await binary.run(["--validate", "-c", directory.appendingPathComponent("config.yaml").path])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.hasSuffix("runtime socket \(socket): exists\n"))
    }

    @Test("--validate fails on a static file that does not exist, naming it")
    func validateMissingStaticFile() async throws {
        let directory = try validationDirectory(config: "static: {path: nowhere.yaml}\nhaproxy: {runtime_socket: /run/x.sock}\n")
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try await binary.run(["--validate", "-c", directory.appendingPathComponent("config.yaml").path])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("static file \(directory.path)/nowhere.yaml: "))
        // One path, one sentence: the file is named once.
        #expect(result.stderr.hasSuffix("static file \(directory.path)/nowhere.yaml: no such file; create it or fix the path\n"))
        #expect(result.stderr.components(separatedBy: "nowhere.yaml").count == 2)
    }

    @Test("--validate fails on a typo inside the instances file, naming the key and the fix")
    func validateTypoInInstances() async throws {
        let directory = try validationDirectory(
            config: "static: {path: fleet.yaml}\nhaproxy: {runtime_socket: /run/x.sock}\n",
            files: ["fleet.yaml": "instances:\n  - id: web-1\n    address: 10.0.0.1\n    region: r\n    tagz: {a: b}\n"]
        )
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try await binary.run(["--validate", "-c", directory.appendingPathComponent("config.yaml").path])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains(#"unknown key "tagz"; did you mean "tags"?"#))
        #expect(result.stderr.contains("static file \(directory.path)/fleet.yaml: line 5: "), "the file once, then the line")
    }

    @Test("--validate names a missing Azure CA file once, with the fix")
    func validateMissingAzureCAFile() async throws {
        let directory = try validationDirectory(config: "")
        defer { try? FileManager.default.removeItem(at: directory) }
        let caFile = directory.appendingPathComponent("missing-ca.pem").path
        try """
            azure: {subscription_id: s, tenant_id: t, client_id: c, client_secret: secret, ca_file: \(caFile)}
            haproxy: {runtime_socket: \(directory.path)/admin.sock}

            """.write(to: directory.appendingPathComponent("config.yaml"), atomically: true, encoding: .utf8)
        let result = try await binary.run(["--validate", "-c", directory.appendingPathComponent("config.yaml").path])
        #expect(result.status == 1, "stdout: \(result.stdout)")
        #expect(
            result.stderr.contains(
                "azure.ca_file \(caFile): cannot be read; give the path of a PEM file of CA certificates"
            ),
            "stderr: \(result.stderr)"
        )
        #expect(result.stderr.components(separatedBy: "azure.ca_file").count == 2, "stderr: \(result.stderr)")
        #expect(!result.stderr.contains("secret"))
    }

    @Test("--validate fails on a Data Plane CA file that holds no certificate")
    func validateBadCAFile() async throws {
        let directory = try validationDirectory(config: "", files: ["fleet.yaml": Self.fleet, "ca.pem": "not a certificate\n"])
        defer { try? FileManager.default.removeItem(at: directory) }
        try """
            static: {path: fleet.yaml}
            haproxy: {base_url: "https://127.0.0.1:5555", password: secret, ca_file: \(directory.path)/ca.pem}

            """.write(to: directory.appendingPathComponent("config.yaml"), atomically: true, encoding: .utf8)
        let result = try await binary.run(["--validate", "-c", directory.appendingPathComponent("config.yaml").path])
        #expect(result.status == 1, "stdout: \(result.stdout)")
        #expect(result.stderr.contains("haproxy.ca_file \(directory.path)/ca.pem: "))
        #expect(!result.stderr.contains("secret"))
    }
}

/// `--validate --connect`: each provider and the sink tried once, read-only, one line each.
extension CommandLineTests {
    @Test("--validate --connect lists the provider's instances and reports a sink it cannot reach, exit 1")
    func validateConnect() async throws {
        let directory = try validationDirectory(config: "", files: ["fleet.yaml": Self.fleet])
        defer { try? FileManager.default.removeItem(at: directory) }
        let socket = directory.appendingPathComponent("no-haproxy.sock").path
        try "static: {path: fleet.yaml}\nhaproxy: {runtime_socket: \(socket)}\nlogging: {level: error}\n"
            .write(to: directory.appendingPathComponent("config.yaml"), atomically: true, encoding: .utf8)

        let result = try await binary.run(["--validate", "--connect", "-c", directory.appendingPathComponent("config.yaml").path])
        #expect(result.status == 1)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(result.stdout)")
        #expect(lines.dropFirst().first == "provider static:\(directory.path)/fleet.yaml: listed 1 instance")
        #expect(lines.last?.hasPrefix("sink HAProxy Runtime API: failed: ") == true)
        #expect(lines.last?.contains(socket) == true)
    }

    @Test("--connect without --validate is refused")
    func connectNeedsValidate() async throws {
        let result = try await binary.run(["--connect", "-c", "Fixtures/demo/config.yaml"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--connect goes with --validate"))
    }
}
