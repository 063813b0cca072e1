/// The fields of an Auto Scaling `AutoScalingGroup` (API version 2011-01-01) discovery uses.
struct AutoScalingGroup: Sendable, Hashable {
    var name: String
    /// Every tag of the group, whether or not it propagates at launch: discovery applies them all.
    var tags: [String: String]
    var instanceIDs: [String]

    init(name: String, tags: [String: String], instanceIDs: [String]) {
        self.name = name
        self.tags = tags
        self.instanceIDs = instanceIDs
    }

    /// One `AutoScalingGroups/member`.
    init?(_ member: XMLNode) {
        guard let name = member.string("AutoScalingGroupName") else { return nil }
        self.name = name
        var tags: [String: String] = [:]
        for tag in member.child("Tags")?.children("member") ?? [] {
            guard let key = tag.child("Key")?.text else { continue }
            tags[key] = tag.child("Value")?.text ?? ""
        }
        self.tags = tags
        self.instanceIDs = (member.child("Instances")?.children("member") ?? []).compactMap { $0.string("InstanceId") }
    }
}

/// One `DescribeAutoScalingGroups` page.
struct DescribeAutoScalingGroupsPage: Sendable {
    var groups: [AutoScalingGroup]
    var nextToken: String?

    init(_ root: XMLNode) throws {
        guard root.name == "DescribeAutoScalingGroupsResponse", let result = root.child("DescribeAutoScalingGroupsResult") else {
            throw AWSProviderError(
                .invalidResponse,
                "autoscaling DescribeAutoScalingGroups: the answer is a <\(root.name)> without <DescribeAutoScalingGroupsResult>"
            )
        }
        self.groups = (result.child("AutoScalingGroups")?.children("member") ?? []).compactMap(AutoScalingGroup.init)
        self.nextToken = result.string("NextToken")
    }
}
