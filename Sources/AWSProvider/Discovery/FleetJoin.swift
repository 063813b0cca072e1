import ProviderKit

/// Turns a listing into instances: pure, no I/O.
///
/// A group's tags apply to its members, whether or not the group propagates them at launch; the
/// instance's own tags win, and names compare ignoring case (as on Azure), so `haproxy:service:port` on
/// the instance replaces `HAProxy:Service:Port` from the group. Zone from `Placement.AvailabilityZone`,
/// region from the configuration, name from the `Name` tag (else the instance id).
struct FleetJoin: Sendable {
    var region: String
    var address: AWSProviderConfiguration.AddressPreference

    func join(_ snapshot: FleetLister.Snapshot) -> [Instance] {
        var groupOf: [String: AutoScalingGroup] = [:]
        for group in snapshot.groups {
            for id in group.instanceIDs where groupOf[id] == nil { groupOf[id] = group }
        }
        var seen: Set<String> = []
        var instances: [Instance] = []
        // The members of a group carry its tags: they share one dictionary, and every tag's name and value
        // is stored once (TagInterner), not once per instance as decoded.
        var tagInterner = TagInterner()
        for ec2 in snapshot.instances where seen.insert(ec2.instanceID).inserted {
            let group = groupOf[ec2.instanceID]
            let tags = tagInterner.intern(ec2.tags.inheriting(from: group?.tags ?? [:]))
            let chosen: String?
            switch address {
            case .private: chosen = ec2.privateIPAddress ?? ec2.ipv6Address
            case .public: chosen = ec2.publicIPAddress ?? ec2.ipv6Address
            }
            instances.append(
                Instance(
                    id: InstanceID(ec2.instanceID),
                    name: tags.value(forTag: "Name").flatMap { $0.isEmpty ? nil : $0 } ?? ec2.instanceID,
                    address: chosen ?? "",
                    publicAddress: ec2.publicIPAddress,
                    region: region,
                    zone: ec2.availabilityZone,
                    tags: tags,
                    state: Self.state(ec2.state),
                    sourceKind: group == nil ? "aws-ec2" : "aws-asg"
                )
            )
        }
        return instances
    }

    /// EC2's state names onto the model's; `pending` is the model's `starting`.
    static func state(_ name: String) -> InstanceState {
        switch name {
        case "pending": .starting
        case "running": .running
        case "stopping", "shutting-down": .stopping
        case "stopped", "terminated": .stopped
        default: InstanceState(rawValue: name)
        }
    }
}
