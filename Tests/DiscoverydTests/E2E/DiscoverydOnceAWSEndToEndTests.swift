import AWSProviderTesting
import DataPlaneTesting
import DiscoverydTesting
import Foundation
import HAProxySink
import Testing

/// `discoveryd --once` with an `aws:` and a `haproxy:` section, as a user runs it: the built executable, moto
/// (the AWS emulator, seeded through the AWS API) and the fake Data Plane API.
@Suite("discoveryd --once: moto (EC2 + Auto Scaling) → fake Data Plane API",
       .enabled(if: MotoServer.shouldRun, "moto_server is not installed (pip install 'moto[server]' boto3)"))
struct DiscoverydOnceAWSEndToEndTests {
    @Test func onceSyncsEC2AndAutoScalingIntoHAProxy() async throws {
        let binary = try #require(DiscoverydExecutable.locate(), "the discoveryd executable is built with the tests")
        let moto = try await MotoServer.start()
        defer { moto.stop() }
        _ = try await moto.seed()
        let api = FakeDataPlaneAPI(apiVersion: .v3)
        let server = try await FakeDataPlaneServer.start(api)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("discoveryd-aws-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let config = directory.appendingPathComponent("config.yaml")
        try ("""
            aws:
              region: us-east-1
              account_id: 123456789012
              endpoint_url: \(moto.endpoint)

            """ + server.discoverydConfigurationSection(namePrefix: "aws") + "logging:\n  level: debug\n")
            .write(to: config, atomically: true, encoding: .utf8)
        let environment = [
            "AWS_ACCESS_KEY_ID": "AKIDMOTO", "AWS_SECRET_ACCESS_KEY": "moto-secret", "AWS_EC2_METADATA_DISABLED": "true",
            "DATAPLANE_PASSWORD": api.password,
        ]

        let result = try await binary.run(["--once", "-c", config.path], environment: environment)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(!result.stderr.contains("moto-secret") && !result.stdout.contains("moto-secret"))

        // Every running tagged instance is a server in its service's backend; stopped, terminated and untagged
        // instances are not; the group members without the tag are servers through their group's tags.
        let web = api.servers(in: "aws-web-8080-us-east-1").filter { !$0.isInMaintenance }
        let api7000 = api.servers(in: "aws-api-7000-us-east-1").filter { !$0.isInMaintenance }
        let worker = api.servers(in: "aws-worker-6000-us-east-1").filter { !$0.isInMaintenance }
        #expect(web.count == 3)
        #expect(web.contains { $0.port == 9090 })
        #expect(api7000.count == 2)
        #expect(worker.count == 1)
        #expect(api.servers(in: "aws-worker-6001-us-east-1").filter { !$0.isInMaintenance }.count == 1)
        #expect(api.counters.commits == 1)

        try await server.shutdown()
    }
}
