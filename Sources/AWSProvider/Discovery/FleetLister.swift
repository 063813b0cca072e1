import ProviderKit

/// Lists one region's tagged fleet at a cost that does not grow per instance:
/// - `DescribeInstances` filtered server-side by the service-name tag key and the states that are or can
///   become running (pending, running, stopping, stopped), `MaxResults=1000`, following `NextToken`;
/// - `DescribeAutoScalingGroups` filtered by the same tag key, `MaxRecords=100`, following `NextToken`;
/// - for group members the first list did not return (their instances lack the tag because the group does
///   not propagate it), `DescribeInstances` by id, 1,000 ids a request, at most
///   `concurrency` at once.
///
/// Requests per cycle = pages of DescribeInstances + pages of DescribeAutoScalingGroups + ⌈unlisted group
/// members ÷ 1,000⌉. Any failed page fails the whole listing.
struct FleetLister: Sendable {
    var ec2: QueryClient
    var autoScaling: QueryClient
    var serviceTag: String
    var concurrency: Int
    /// Guards against a server that never stops answering with a `NextToken`.
    var maximumPages = 10_000
    /// `MaxResults` of the tagged DescribeInstances (EC2 allows 5–1,000); tests lower it to make pages.
    var instancesPerPage = 1000
    /// `MaxRecords` of DescribeAutoScalingGroups (Auto Scaling allows up to 100).
    var groupsPerPage = 100

    static let listedStates = ["pending", "running", "stopping", "stopped"]
    static let idsPerRequest = 1000

    struct Snapshot: Sendable {
        var instances: [EC2Instance]
        var groups: [AutoScalingGroup]
    }

    func snapshot() async throws -> Snapshot {
        async let tagged = describeTaggedInstances()
        async let groups = describeTaggedGroups()
        var instances = try await tagged
        let allGroups = try await groups
        let listed = Set(instances.map(\.instanceID))
        var unlisted: [String] = []
        var seen: Set<String> = []
        for group in allGroups {
            for id in group.instanceIDs where !listed.contains(id) && seen.insert(id).inserted {
                unlisted.append(id)
            }
        }
        instances += try await describeByID(unlisted)
        return Snapshot(instances: instances, groups: allGroups)
    }

    func describeTaggedInstances() async throws -> [EC2Instance] {
        var filters = [
            ("Filter.1.Name", "tag-key"), ("Filter.1.Value.1", serviceTag),
            ("Filter.2.Name", "instance-state-name"),
        ]
        for (index, state) in Self.listedStates.enumerated() { filters.append(("Filter.2.Value.\(index + 1)", state)) }
        return try await pages("ec2 DescribeInstances") { token in
            var parameters = filters + [("MaxResults", String(instancesPerPage))]
            if let token { parameters.append(("NextToken", token)) }
            let page = try DescribeInstancesPage(try await ec2.call("DescribeInstances", parameters))
            return (page.instances, page.nextToken)
        }
    }

    func describeTaggedGroups() async throws -> [AutoScalingGroup] {
        try await pages("autoscaling DescribeAutoScalingGroups") { token in
            var parameters = [
                ("Filters.member.1.Name", "tag-key"), ("Filters.member.1.Values.member.1", serviceTag),
                ("MaxRecords", String(groupsPerPage)),
            ]
            if let token { parameters.append(("NextToken", token)) }
            let page = try DescribeAutoScalingGroupsPage(try await autoScaling.call("DescribeAutoScalingGroups", parameters))
            return (page.groups, page.nextToken)
        }
    }

    /// Group members by id, in chunks; an id EC2 no longer knows (terminated long ago) is dropped and the
    /// chunk asked again once.
    func describeByID(_ ids: [String]) async throws -> [EC2Instance] {
        guard !ids.isEmpty else { return [] }
        let chunks = stride(from: 0, to: ids.count, by: Self.idsPerRequest).map { Array(ids[$0..<min($0 + Self.idsPerRequest, ids.count)]) }
        let lister = self
        var jobs: [@Sendable () async throws -> [EC2Instance]] = []
        for chunk in chunks {
            jobs.append { try await lister.describeChunk(chunk, retryingWithoutUnknownIDs: true) }
        }
        return try await runBounded(limit: concurrency, jobs).flatMap { $0 }
    }

    private func describeChunk(_ ids: [String], retryingWithoutUnknownIDs: Bool) async throws -> [EC2Instance] {
        var parameters = [("Filter.1.Name", "instance-state-name")]
        for (index, state) in Self.listedStates.enumerated() { parameters.append(("Filter.1.Value.\(index + 1)", state)) }
        for (index, id) in ids.enumerated() { parameters.append(("InstanceId.\(index + 1)", id)) }
        do {
            return try await pages("ec2 DescribeInstances") { token in
                var withToken = parameters
                if let token { withToken.append(("NextToken", token)) }
                let page = try DescribeInstancesPage(try await ec2.call("DescribeInstances", withToken))
                return (page.instances, page.nextToken)
            }
        } catch let error as AWSProviderError where error.awsCode == "InvalidInstanceID.NotFound" && retryingWithoutUnknownIDs {
            let known = ids.filter { !error.message.contains($0) }
            guard known.count < ids.count else { throw error }
            return known.isEmpty ? [] : try await describeChunk(known, retryingWithoutUnknownIDs: false)
        }
    }

    /// Follows `NextToken` until it ends; a repeated token or endless paging fails the listing.
    private func pages<Item>(
        _ call: String, _ fetch: (String?) async throws -> ([Item], String?)
    ) async throws -> [Item] {
        var items: [Item] = []
        var token: String?
        var seen: Set<String> = []
        var count = 0
        repeat {
            guard count < maximumPages else {
                throw AWSProviderError(.invalidPaging, "\(call): more than \(maximumPages) pages; refusing to page further")
            }
            let (pageItems, next) = try await fetch(token)
            items += pageItems
            count += 1
            if let next, !seen.insert(next).inserted {
                throw AWSProviderError(.invalidPaging, "\(call): NextToken repeats a page already read")
            }
            token = next
        } while token != nil
        return items
    }
}
