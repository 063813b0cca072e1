import DiscoverydTesting
import Foundation
import Testing

/// `plan --offline` builds no sink, so it needs no sink settings; running and `--validate` still do.
extension CommandLineTests {
    @Test("plan --offline on a file with only a static section plans with the default backend naming and exits 0")
    func staticOnly() async throws {
        let path = try temporaryConfig("static: {path: \(RepositoryPaths.fixture("demo/instances.yaml"))}\n")
        defer { try? FileManager.default.removeItem(atPath: path) }

        let plan = try await binary.run(["plan", "--offline", "-c", path])
        #expect(plan.status == 0, "stderr: \(plan.stderr)")
        #expect(
            plan.stdout.hasPrefix(
                "plan against an empty HAProxy (offline): 7 instances from 1 provider: 5 served, 1 stopped, 1 untagged; "
                    + "2 services"
            )
        )
        #expect(plan.stdout.contains("azure-web-8080-local"))
        #expect(plan.stdout.contains("azure-api-9090-local"))

        let json = try await binary.run(["plan", "--offline", "--format", "json", "-c", path])
        #expect(json.status == 0, "stderr: \(json.stderr)")
        #expect(json.stdout.contains("\"azure-web-8080-local\""))
    }

    @Test("the same file still fails --validate and --once: the Data Plane API needs its password")
    func runningStillNeedsTheSink() async throws {
        let path = try temporaryConfig("static: {path: \(RepositoryPaths.fixture("demo/instances.yaml"))}\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        for arguments in [["--validate", "-c", path], ["--once", "-c", path], ["plan", "-c", path]] {
            let result = try await binary.run(arguments)
            #expect(result.status == 1)
            #expect(result.stderr.contains("haproxy.password: required key is missing"), "\(arguments): \(result.stderr)")
        }
    }

    @Test("plan --offline with an azure section without credentials fails on the azure keys, not on haproxy")
    func azureNeedsItsCredentials() async throws {
        let path = try temporaryConfig(
            """
            azure:
              subscription_id: 6f1c7a52-0000-4c8e-9f0e-1a2b3c4d5e6f
              credential_type: client_secret
            """
        )
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try await binary.run(["plan", "--offline", "-c", path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(path):1: azure.tenant_id: required key is missing"), "stderr: \(result.stderr)")
        #expect(!result.stderr.contains("haproxy"))
    }

    @Test("plan --offline still checks a haproxy section that is present")
    func presentSinkSectionIsStillStrict() async throws {
        let path = try temporaryConfig(
            """
            static: {path: \(RepositoryPaths.fixture("demo/instances.yaml"))}
            haproxy:
              server_slot: {base: 12}
            """
        )
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try await binary.run(["plan", "--offline", "-c", path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("unknown key \"haproxy.server_slot\"; did you mean \"server_slots\"?"))
    }
}
