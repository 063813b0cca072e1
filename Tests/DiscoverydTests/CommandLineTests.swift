import DiscoverydCore
import DiscoverydTesting
import Foundation
import Testing

@Suite("The discoveryd command line")
struct CommandLineTests {
    let binary: DiscoverydBinary

    init() throws {
        binary = try #require(DiscoverydBinary.locate(), "the discoveryd executable was not built")
    }

    /// Writes `yaml` to a temporary file and returns its path.
    func temporaryConfig(_ yaml: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("discoveryd-test-\(UUID().uuidString).yaml")
        try yaml.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    @Test("--validate on a good file exits 0 with a one-line summary on stdout")
    func validateGood() async throws {
        let result = try await binary.run(["--validate", "-c", "Fixtures/demo/config.yaml"])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(result.stdout.hasPrefix("Fixtures/demo/config.yaml: OK: 1 static file -> HAProxy Runtime API"))
        #expect(result.stderr.isEmpty)
    }

    @Test(
        "--validate loads the Python daemon's file, and the extended one, when their variables are set",
        arguments: ["python-daemon-example.yaml", "discoveryd-extended.yaml"]
    )
    func validatePythonExample(_ file: String) async throws {
        let result = try await binary.run(
            ["--validate", "--config", "Fixtures/config/\(file)"],
            environment: [
                "AZURE_SUBSCRIPTION_ID": "sub", "AZURE_TENANT_ID": "tenant", "AZURE_CLIENT_ID": "client",
                "AZURE_CLIENT_SECRET": "do-not-print", "HAPROXY_DATAPLANE_PASSWORD": "do-not-print-either",
            ]
        )
        #expect(result.status == 0)
        #expect(result.stdout.contains("1 Azure subscription -> HAProxy Data Plane API v2"))
        #expect(result.stdout.contains("(linear x1.5)"))
        #expect(!result.stdout.contains("do-not-print"))
    }

    @Test("--validate on a broken file exits 1 and names the field on stderr, nothing on stdout")
    func validateBroken() async throws {
        let path = try temporaryConfig(
            """
            static:
              path: instances.yaml
            haproxy:
              runtime_socket: /run/haproxy/admin.sock
              server_slots:
                base: 5
            """
        )
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try await binary.run(["--validate", "-c", path])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("\(path):6: haproxy.server_slots.base: invalid value 5; expected a whole number >= 10"))
    }

    @Test("a missing variable and a missing file are reported without a stack trace")
    func missingThings() async throws {
        let variable = try await binary.run(["--validate", "-c", "Fixtures/config/python-daemon-example.yaml"])
        #expect(variable.status == 1)
        #expect(variable.stderr.contains("environment variable AZURE_SUBSCRIPTION_ID is not set"))

        let file = try await binary.run(["--validate", "-c", "does-not-exist.yaml"])
        #expect(file.status == 1)
        #expect(file.stderr.contains("does-not-exist.yaml: configuration file does not exist"))
    }

    @Test("--version prints the version")
    func version() async throws {
        let result = try await binary.run(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout == DiscoverydVersion.current + "\n")
    }

    @Test("--help shows that the subcommand is optional; plan --help does not offer --version")
    func help() async throws {
        let root = try await binary.run(["--help"])
        #expect(root.status == 0)
        #expect(root.stdout.contains("USAGE: discoveryd [--config <config>] [--validate [--connect] | --once]\n"))
        #expect(root.stdout.contains("discoveryd <subcommand> [<options>]"))
        #expect(root.stdout.contains("--version"))
        let plan = try await binary.run(["plan", "--help"])
        #expect(plan.status == 0)
        #expect(plan.stdout.contains("--offline"))
        #expect(!plan.stdout.contains("--version"))
    }
}

extension CommandLineTests {
    @Test("plan --offline on the demo shows the Runtime API's writes, names instances, counts what was left out")
    func planOfflineTable() async throws {
        let result = try await binary.run(["plan", "--offline", "-c", "Fixtures/demo/config.yaml"])
        #expect(result.status == 0)
        #expect(
            result.stdout == """
                plan against haproxy.cfg declaring each backend with 10 free slots (offline): 7 instances from \
                1 provider: 5 served, 1 stopped, 1 untagged; 2 services
                BACKEND              STATUS     SLOTS
                demo-api-9090-local  changed    2/10
                  srv1: free → api-1 127.0.0.21:9090
                  srv2: free → api-2 127.0.0.22:9091
                demo-web-8080-local  changed    3/10
                  srv1: free → web-1 127.0.0.11:8080
                  srv2: free → web-2 127.0.0.12:8080
                  srv3: free → web-3 127.0.0.13:8080
                2 changed, 0 retired, 0 unchanged backends; 5 server changes through the Runtime API

                """
        )
        #expect(!result.stdout.contains("reload"))
    }

    @Test("plan --offline --format json is one JSON document naming the backends")
    func planOfflineJSON() async throws {
        let result = try await binary.run(["plan", "--offline", "--format", "json", "-c", "Fixtures/demo/config.yaml"])
        #expect(result.status == 0)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let backends = try #require(document["backends"] as? [[String: Any]])
        #expect(backends.compactMap { $0["name"] as? String } == ["demo-api-9090-local", "demo-web-8080-local"])
        #expect((backends.first?["assignments"] as? [String: String]) == ["api-1": "srv1", "api-2": "srv2"])
        // Described for the demo's Runtime API sink: no reloads, and the header's counts.
        #expect(document["sink"] as? String == "haproxy-runtime")
        #expect(document["offline"] as? Bool == true)
        #expect(!result.stdout.contains("needs_reload") && !result.stdout.contains("structural"))
        let discovery = try #require(document["discovery"] as? [String: Any])
        #expect(discovery["served"] as? Int == 5)
        #expect((discovery["left_out"] as? [[String: Any]])?.compactMap { $0["reason"] as? String } == ["stopped", "untagged"])
    }

    @Test("plan stops with the provider's error when the instance file is broken, and prints no plan")
    func planWithBrokenProvider() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("discoveryd-plan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "static: {path: instances.yaml}\nhaproxy: {runtime_socket: /run/haproxy.sock}\n"
            .write(to: directory.appendingPathComponent("config.yaml"), atomically: true, encoding: .utf8)
        try "instances:\n  - id: a\n    adress: 10.0.0.1\n    region: r\n"
            .write(to: directory.appendingPathComponent("instances.yaml"), atomically: true, encoding: .utf8)

        let result = try await binary.run(["plan", "--offline", "-c", directory.appendingPathComponent("config.yaml").path])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("adress"))
    }

    @Test("a provider's error reads as a sentence naming the file, line and fix: no type names, no source locations")
    func providerErrorReadsAsASentence() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("discoveryd-plan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "static: {path: fleet.yaml}\nhaproxy: {runtime_socket: /run/haproxy.sock}\n"
            .write(to: directory.appendingPathComponent("config.yaml"), atomically: true, encoding: .utf8)
        try "instances:\n  - id: web-1\n    address: 10.0.0.1\n    region: r\n    tagz: {a: b}\n"
            .write(to: directory.appendingPathComponent("fleet.yaml"), atomically: true, encoding: .utf8)

        let result = try await binary.run(["plan", "-c", directory.appendingPathComponent("config.yaml").path])
        #expect(result.status == 1)
        let fleet = directory.appendingPathComponent("fleet.yaml").path
        #expect(
            result.stderr.hasPrefix(
                #"discoveryd plan: static provider \#(fleet):5: instances[0] (id "web-1"): unknown key "tagz"; did you mean "tags"?"#
            ),
            "\(result.stderr)"
        )
        #expect(!result.stderr.contains("DiscoveryError") && !result.stderr.contains(".swift:"))
    }
}

extension CommandLineTests {
    @Test("--once exits non-zero with the reason on stderr when the sink cannot apply")
    func onceFailsWithoutReachableHAProxy() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("discoveryd-once-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("config.yaml")
        // A socket path where nothing listens.
        try """
            static: {path: \(RepositoryPaths.fixture("demo/instances.yaml"))}
            haproxy: {runtime_socket: \(directory.appendingPathComponent("nothing-here.sock").path)}
            """.write(to: config, atomically: true, encoding: .utf8)

        let result = try await binary.run(["--once", "-c", config.path])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("discoveryd: "))
    }

    @Test("--validate and --once together are refused")
    func conflictingFlags() async throws {
        let result = try await binary.run(["--validate", "--once", "-c", "Fixtures/demo/config.yaml"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--validate and --once cannot be combined"))
    }
}

extension CommandLineTests {
    @Test("the daemon keeps running through SIGHUP and exits 0 on SIGTERM, even while HAProxy is unreachable")
    func daemonSignals() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("discoveryd-daemon-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("config.yaml")
        try """
            static: {path: \(RepositoryPaths.fixture("demo/instances.yaml"))}
            haproxy: {runtime_socket: \(directory.appendingPathComponent("nothing-here.sock").path)}
            polling: {interval_seconds: 5, backoff_base_seconds: 1}
            """.write(to: config, atomically: true, encoding: .utf8)

        let daemon = try binary.start(["-c", config.path])
        #expect(try await daemon.waitForStderr(containing: "discovery loop starting"))
        daemon.signal(SIGHUP)
        #expect(try await daemon.waitForStderr(containing: "SIGHUP: full resync on the next cycle"))
        #expect(daemon.process.isRunning)
        daemon.signal(SIGTERM)
        let result = try await daemon.wait()
        #expect(result.status == 0)
        #expect(result.stdout.isEmpty)
    }
}
