import AWSProviderTesting
import DiscoverydTesting
import Foundation
import Testing

/// The built `discoveryd` with an `aws:` section, against moto: the Python daemon's file validates and plans
/// unchanged.
@Suite(.serialized, .enabled(if: MotoServer.shouldRun, "moto_server is not installed (pip install 'moto[server]' boto3)"))
struct DiscoverydAWSCommandTests {
    static let pythonConfiguration = DiscoverydExecutable.repositoryRoot.appendingPathComponent("Fixtures/config/python-daemon-aws-example.yaml")

    /// The environment the Python daemon's file expects, with the credentials of its profile in a temporary
    /// credentials file, and the AWS endpoint moved to moto the way the AWS SDKs allow.
    static func environment(moto: MotoServer, directory: URL) throws -> [String: String] {
        let credentials = directory.appendingPathComponent("credentials")
        try "[discovery]\naws_access_key_id = AKIDDISCOVERY\naws_secret_access_key = discovery-secret\n"
            .write(to: credentials, atomically: true, encoding: .utf8)
        return [
            "AWS_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": moto.endpoint,
            "AWS_SHARED_CREDENTIALS_FILE": credentials.path,
            "AWS_CONFIG_FILE": directory.appendingPathComponent("config").path,
            "AWS_EC2_METADATA_DISABLED": "true",
            "HAPROXY_DATAPLANE_PASSWORD": "dataplane-secret",
        ]
    }

    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("discoveryd-aws-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test func thePythonDaemonsFileValidates() async throws {
        let binary = try #require(DiscoverydExecutable.locate(), "the discoveryd executable is built with the tests")
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let environment = [
            "AWS_REGION": "eu-west-1", "HAPROXY_DATAPLANE_PASSWORD": "x",
            "AWS_SHARED_CREDENTIALS_FILE": directory.appendingPathComponent("credentials").path,
        ]
        let result = try await binary.run(["--validate", "-c", Self.pythonConfiguration.path], environment: environment)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("1 AWS region (eu-west-1)"))
    }

    @Test func aBadRegionIsRefusedNamingTheKey() async throws {
        let binary = try #require(DiscoverydExecutable.locate(), "the discoveryd executable is built with the tests")
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("config.yaml")
        try "aws:\n  region: US East 1\nhaproxy: {runtime_socket: /run/haproxy.sock}\n".write(to: config, atomically: true, encoding: .utf8)
        let result = try await binary.run(["--validate", "-c", config.path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("aws.region"))
        #expect(result.stderr.contains("US East 1"))
    }

    @Test func planOfflineListsTheMotoFleetByService() async throws {
        let binary = try #require(DiscoverydExecutable.locate(), "the discoveryd executable is built with the tests")
        let moto = try await MotoServer.start()
        defer { moto.stop() }
        let seeded = try await moto.seed()
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let environment = try Self.environment(moto: moto, directory: directory)

        let result = try await binary.run(["plan", "--offline", "-c", Self.pythonConfiguration.path], environment: environment)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        // 3 web + 1 stopped + 2 api + 2 worker instances; the stopped one is listed but is no server.
        #expect(lines.first == "plan against an empty HAProxy (offline): 8 instances from 1 provider: 7 served, 1 stopped; 4 services")
        #expect(lines.contains { $0.hasPrefix("aws-web-8080-us-east-1") && $0.hasSuffix("3/10") })
        #expect(lines.contains { $0.hasPrefix("aws-api-7000-us-east-1") && $0.hasSuffix("2/10") })
        #expect(lines.contains { $0.hasPrefix("aws-worker-6000-us-east-1") && $0.hasSuffix("1/10") })
        #expect(lines.contains { $0.hasPrefix("aws-worker-6001-us-east-1") && $0.hasSuffix("1/10") })
        #expect(!result.stdout.contains(seeded.stopped))
        #expect(!result.stdout.contains("discovery-secret") && !result.stderr.contains("discovery-secret"))
    }
}
