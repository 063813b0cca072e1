import ProviderKit
import ProviderKitTesting
import Testing

@testable import AWSProvider

/// Listing → instances, without I/O.
@Suite struct FleetJoinTests {
    static let group = AutoScalingGroup(
        name: "api-asg", tags: ["HAProxy:Service:Name": "api", "HAProxy:Service:Port": "7000", "Team": "core"],
        instanceIDs: ["i-member"]
    )

    @Test func membersInheritGroupTagsAndTheirOwnWinIgnoringCase() {
        let member = EC2Instance(
            instanceID: "i-member", state: "running", availabilityZone: "eu-west-1b", privateIPAddress: "10.0.0.5",
            tags: ["haproxy:service:port": "7001", "Name": "api-1"]
        )
        let instances = FleetJoin(region: "eu-west-1", address: .private)
            .join(FleetLister.Snapshot(instances: [member], groups: [Self.group]))
        let instance = instances[0]
        #expect(instance.tags == ["HAProxy:Service:Name": "api", "haproxy:service:port": "7001", "Team": "core", "Name": "api-1"])
        #expect(instance.sourceKind == "aws-asg")
        #expect(instance.name == "api-1")
        #expect(instance.zone == "eu-west-1b")
        #expect(instance.region == "eu-west-1")
        #expect(instance.address == "10.0.0.5")
    }

    @Test func membersTaggedAlikeShareOneTagDictionary() {
        let group = AutoScalingGroup(name: "api-asg", tags: Self.group.tags, instanceIDs: ["i-a", "i-b"])
        let members = ["i-a", "i-b"].map { id in
            EC2Instance(instanceID: id, state: "running", privateIPAddress: "10.0.0.9", tags: ["Team": "co" + "re"])
        }
        let instances = FleetJoin(region: "eu-west-1", address: .private)
            .join(FleetLister.Snapshot(instances: members, groups: [group]))
        #expect(instances.map(\.tags) == Array(repeating: ["HAProxy:Service:Name": "api", "HAProxy:Service:Port": "7000", "Team": "core"], count: 2))
        #expect(sharesStorage(instances[0].tags, instances[1].tags), "the merged tags of each member are one dictionary")
    }

    @Test func addressPreferenceAndStates() {
        let running = EC2Instance(instanceID: "i-1", state: "running", privateIPAddress: "10.0.0.1", publicIPAddress: "54.0.0.1")
        let pending = EC2Instance(instanceID: "i-2", state: "pending", privateIPAddress: "10.0.0.2")
        let ipv6Only = EC2Instance(instanceID: "i-3", state: "stopping", ipv6Address: "2001:db8::3")
        let snapshot = FleetLister.Snapshot(instances: [running, pending, ipv6Only, running], groups: [])
        let publicInstances = FleetJoin(region: "us-east-1", address: .public).join(snapshot)
        #expect(publicInstances.map(\.id.rawValue) == ["i-1", "i-2", "i-3"], "an instance listed twice is reported once")
        #expect(publicInstances.map(\.address) == ["54.0.0.1", "", "2001:db8::3"])
        #expect(publicInstances.map(\.state) == [.running, .starting, .stopping])
        #expect(publicInstances[0].name == "i-1")
        #expect(publicInstances[0].publicAddress == "54.0.0.1")
        let privateInstances = FleetJoin(region: "us-east-1", address: .private).join(snapshot)
        #expect(privateInstances.map(\.address) == ["10.0.0.1", "10.0.0.2", "2001:db8::3"])
    }
}
