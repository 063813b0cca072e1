import Foundation
import Logging
import ProviderKit
import AWSProviderTesting
import ProviderKitTesting
import Testing

@testable import AWSProvider

/// AWSProvider against moto in server mode, seeded through the AWS API by `Scripts/seed-moto.py`.
@Suite(.serialized, .enabled(if: MotoServer.shouldRun, "moto_server is not installed (pip install 'moto[server]' boto3)"))
struct MotoDiscoveryTests {
    static let environment = ["AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_EC2_METADATA_DISABLED": "true"]

    static func provider(_ moto: MotoServer, transport: CountingTransport, address: AWSProviderConfiguration.AddressPreference = .private,
                         pageSize: Int = 1000, groupPageSize: Int = 100) throws -> AWSProvider {
        let configuration = AWSProviderConfiguration(
            regions: ["us-east-1"], address: address, endpointURL: URL(string: moto.endpoint)!,
            retry: AWSRetryPolicy(maximumAttempts: 1), environment: environment
        )
        var provider = try #require(try AWSProvider.make(configuration, transport: transport).first)
        provider.setPageSizes(instances: pageSize, groups: groupPageSize)
        return provider
    }

    @Test func everyRunningTaggedInstanceLandsInItsServiceAndNothingElseDoes() async throws {
        let moto = try await MotoServer.start()
        defer { moto.stop() }
        let seeded = try await moto.seed()
        let transport = CountingTransport()
        let provider = try Self.provider(moto, transport: transport)
        let instances = try await provider.fetchInstances()
        let byID = Dictionary(uniqueKeysWithValues: instances.map { ($0.id.rawValue, $0) })

        // Running, tagged, on their own.
        for id in seeded.web {
            let instance = try #require(byID[id])
            #expect(instance.state == .running)
            #expect(instance.tags.value(forTag: "HAProxy:Service:Name") == "web")
            #expect(instance.sourceKind == "aws-ec2")
            #expect(instance.region == "us-east-1")
            #expect(instance.zone == "us-east-1a")
            #expect(IPAddressLiteral.isValid(instance.address))
            #expect(instance.name == "web")
        }
        #expect(byID[seeded.webPortOverride]?.tags["HAProxy:Instance:Port"] == "9090")
        // Stopped is reported as stopped (the grouper skips it); terminated and untagged are not listed at all.
        #expect(byID[seeded.stopped]?.state == .stopped)
        #expect(byID[seeded.terminated] == nil)
        for id in seeded.untagged { #expect(byID[id] == nil) }

        // Group members carry their group's tags, whether or not the group propagates them.
        for id in seeded.apiGroup {
            let member = try #require(byID[id])
            #expect(member.sourceKind == "aws-asg")
            #expect(member.tags.value(forTag: "HAProxy:Service:Name") == "api")
            #expect(member.tags.value(forTag: "HAProxy:Service:Port") == "7000")
        }
        for id in seeded.workerGroup {
            let member = try #require(byID[id])
            #expect(member.sourceKind == "aws-asg")
            #expect(member.tags.value(forTag: "HAProxy:Service:Name") == "worker")
        }
        // The member's own lower-case port tag wins over the group's, and replaces it (one port tag, not two).
        let override = try #require(byID[seeded.workerPortOverride])
        #expect(override.tags.value(forTag: "HAProxy:Service:Port") == "6001")
        #expect(override.tags.keys.filter { $0.lowercased() == "haproxy:service:port" }.count == 1)

        // And as services: what the daemon will put into HAProxy. The member whose own port tag differs
        // forms its own (name, port) service, as it would with the Python daemon.
        let services = ServiceGrouper(tagNames: TagNames()).group(instances).catalog.sorted
        let counts = Dictionary(uniqueKeysWithValues: services.map { ($0.key.description, $0.endpoints.count) })
        #expect(counts == ["web:8080@us-east-1": 3, "api:7000@us-east-1": 2, "worker:6000@us-east-1": 1, "worker:6001@us-east-1": 1])
        let web = try #require(services.first { $0.key.name == "web" })
        #expect(web.endpoints.filter { $0.port == 9090 }.map(\.instanceID.rawValue) == [seeded.webPortOverride])

        // One page of each list, one by-id lookup for the non-propagating group's untagged members.
        #expect(transport.requestsByAction == ["DescribeInstances": 2, "DescribeAutoScalingGroups": 1])
    }

    @Test func publicAddressesWhenAsked() async throws {
        let moto = try await MotoServer.start()
        defer { moto.stop() }
        let seeded = try await moto.seed()
        let provider = try Self.provider(moto, transport: CountingTransport(), address: .public)
        let instances = try await provider.fetchInstances()
        let web = try #require(instances.first { $0.id.rawValue == seeded.web[0] })
        #expect(web.address == web.publicAddress)
        #expect(web.publicAddress != nil)
    }

    @Test func keepsTheProviderContract() async throws {
        let moto = try await MotoServer.start()
        defer { moto.stop() }
        _ = try await moto.seed()
        let provider = try Self.provider(moto, transport: CountingTransport())
        try await ProviderConformance(provider: provider, injectFailure: { moto.stop() }).run()
    }

    /// Requests per cycle = pages of DescribeInstances + pages of DescribeAutoScalingGroups + ⌈untagged group
    /// members ÷ 1,000⌉, at three fleet sizes. Pages are 5 here (EC2's smallest MaxResults) so that moto needs
    /// few instances, and group pages hold one group; the arithmetic is the same at 1,000 and 100. moto pages by reservation (one per RunInstances; the
    /// propagating group's two members share one), so the tagged list is 5 + extra reservations.
    @Test(arguments: [(0, 1), (12, 4), (40, 9)])
    func requestCountPerCycle(extraTagged: Int, instancePages: Int) async throws {
        let groupPages = 2  // two groups, one per page
        let byIDRequests = 1
        let moto = try await MotoServer.start()
        defer { moto.stop() }
        let seeded = try await moto.seed(extraTagged: extraTagged)
        let transport = CountingTransport()
        let provider = try Self.provider(moto, transport: transport, pageSize: 5, groupPageSize: 1)
        let instances = try await provider.fetchInstances()
        // 3 web + 1 stopped + 2 api members (tagged by propagation) + the extra ones.
        let tagged = 6 + extraTagged
        #expect(instancePages == (5 + extraTagged + 4) / 5)
        #expect(instances.count == tagged + seeded.workerGroup.count)
        #expect(transport.requestsByAction["DescribeInstances"] == instancePages + byIDRequests)
        #expect(transport.requestsByAction["DescribeAutoScalingGroups"] == groupPages)
        // The same again next cycle: nothing is cached that would hide a change.
        transport.reset()
        _ = try await provider.fetchInstances()
        #expect(transport.total == instancePages + groupPages + byIDRequests)
        let sentPageSizes = Set(transport.requests.compactMap { CountingTransport.form(of: $0)["MaxResults"] })
        #expect(sentPageSizes == ["5"])
    }
}

extension AWSProvider {
    /// Smaller pages for tests (EC2 accepts MaxResults 5–1,000).
    mutating func setPageSizes(instances: Int, groups: Int) {
        lister.instancesPerPage = instances
        lister.groupsPerPage = groups
    }
}
