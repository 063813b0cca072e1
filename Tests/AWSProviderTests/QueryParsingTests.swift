import Foundation
import HTTPSupport
import Logging
import Testing

@testable import AWSProvider

/// The Query APIs' XML, from AWS's documented example responses, into the model types.
@Suite struct QueryParsingTests {
    @Test func describeInstancesExampleBecomesInstances() throws {
        let page = try DescribeInstancesPage(try XMLNode.parse(try QueryFixtures.bytes("DescribeInstances.xml")))
        #expect(page.nextToken == "eyJ2IjoiMiIsImMiOiJleGFtcGxlIn0=")
        #expect(page.instances.count == 2)
        let first = try #require(page.instances.first)
        #expect(first.instanceID == "i-1234567890abcdef0")
        #expect(first.state == "running")
        #expect(first.availabilityZone == "eu-west-1c")
        #expect(first.privateIPAddress == "192.168.1.88")
        #expect(first.publicIPAddress == "54.194.252.215")
        // Tags come from the instance's own tagSet, not the nested groupSet/networkInterfaceSet items.
        #expect(first.tags == ["Name": "Server_1", "HAProxy:Service:Name": "web", "HAProxy:Service:Port": "8080"])
        let stopped = page.instances[1]
        #expect(stopped.state == "stopped")
        #expect(stopped.publicIPAddress == nil)
        #expect(stopped.tags["Note"] == "")
    }

    @Test func describeAutoScalingGroupsExampleBecomesGroups() throws {
        let page = try DescribeAutoScalingGroupsPage(try XMLNode.parse(try QueryFixtures.bytes("DescribeAutoScalingGroups.xml")))
        #expect(page.nextToken == "my-asg-next")
        let group = try #require(page.groups.first)
        #expect(group.name == "my-asg")
        #expect(group.instanceIDs == ["i-4ba0837f", "i-5ca1948a"])
        // Both tags, whether or not they propagate at launch.
        #expect(group.tags == ["HAProxy:Service:Name": "api", "HAProxy:Service:Port": "7000"])
    }

    @Test(arguments: [
        ("ec2-UnauthorizedOperation.xml", "UnauthorizedOperation", "You are not authorized to perform this operation.", "ea966190-f9aa-478e-9ede-example"),
        ("ec2-RequestLimitExceeded.xml", "RequestLimitExceeded", "Request limit exceeded.", "5a5b7a4b-1c4d-4e8f-9a0b-example"),
        ("autoscaling-Throttling.xml", "Throttling", "Rate exceeded", "b2cb1e5d-7c3e-11e9-9f6b-example"),
    ])
    func errorBodiesGiveCodeAndMessage(_ file: String, _ code: String, _ message: String, _ requestID: String) throws {
        let body = try #require(AWSErrorBody(xml: try QueryFixtures.bytes(file)))
        #expect(body.code == code)
        #expect(body.message == message)
        #expect(body.requestID == requestID)
    }

    @Test func aNonXMLErrorBodyHasNoCode() {
        #expect(AWSErrorBody(xml: Array("<html>Service Unavailable".utf8)) == nil)
        #expect(AWSErrorBody(xml: []) == nil)
    }

    @Test func assumeRoleExampleGivesTemporaryCredentials() throws {
        let root = try XMLNode.parse(try QueryFixtures.bytes("sts-AssumeRole.xml"))
        let credentials = try STSClient.credentials(in: root, result: "AssumeRoleResult", call: "AssumeRole")
        #expect(credentials.accessKeyID == "ASIAIOSFODNN7EXAMPLE")
        #expect(credentials.secretAccessKey == "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY")
        #expect(credentials.sessionToken?.hasPrefix("AQoDYXdzEPT") == true)
        #expect(credentials.expiration == ISO8601DateFormatter().date(from: "2019-11-09T13:34:41Z"))
    }

    @Test func malformedXMLIsAnInvalidResponseNamingTheCall() async throws {
        let client = QueryClient.test(ScriptedTransport { _ in HTTPResponseData(status: 200, body: Array("<DescribeInstancesResponse><reservationSet>".utf8)) })
        let error = await #expect(throws: AWSProviderError.self) { try await client.call("DescribeInstances", []) }
        #expect(error?.code == .invalidResponse)
        #expect(error?.message.contains("ec2 DescribeInstances") == true)
    }

    @Test func entitiesAndCDATAAreDecoded() throws {
        let root = try XMLNode.parse(Array("<a><b>x &amp; y</b><c><![CDATA[<raw>]]></c></a>".utf8))
        #expect(root.string("b") == "x & y")
        #expect(root.string("c") == "<raw>")
    }
}

extension QueryClient {
    static func test(
        _ transport: any HTTPTransport, service: AWSService = .ec2, retry: AWSRetryPolicy = AWSRetryPolicy(maximumAttempts: 1),
        credentials: (any AWSCredentialProvider)? = StaticCredentials(value: AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "secret"))
    ) -> QueryClient {
        QueryClient(
            service: service, region: "us-east-1", endpoint: URL(string: "https://\(service.endpointPrefix).us-east-1.amazonaws.com")!,
            transport: transport, credentials: credentials, retry: retry, timeout: .seconds(5), logger: Logger(label: "test")
        )
    }
}
