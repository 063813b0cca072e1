/// The fields of an EC2 `Instance` (API version 2016-11-15) discovery uses.
struct EC2Instance: Sendable, Hashable {
    var instanceID: String
    /// `instanceState.name`: pending, running, shutting-down, terminated, stopping, stopped.
    var state: String
    var availabilityZone: String?
    var privateIPAddress: String?
    var publicIPAddress: String?
    var ipv6Address: String?
    var tags: [String: String]

    /// One `instancesSet/item`.
    init?(_ item: XMLNode) {
        guard let id = item.string("instanceId") else { return nil }
        self.instanceID = id
        self.state = item.string("instanceState", "name") ?? "unknown"
        self.availabilityZone = item.string("placement", "availabilityZone")
        self.privateIPAddress = item.string("privateIpAddress")
        self.publicIPAddress = item.string("ipAddress")
        self.ipv6Address = item.string("ipv6Address")
        self.tags = Self.tags(item.child("tagSet"))
    }

    init(
        instanceID: String, state: String, availabilityZone: String? = nil, privateIPAddress: String? = nil,
        publicIPAddress: String? = nil, ipv6Address: String? = nil, tags: [String: String] = [:]
    ) {
        self.instanceID = instanceID
        self.state = state
        self.availabilityZone = availabilityZone
        self.privateIPAddress = privateIPAddress
        self.publicIPAddress = publicIPAddress
        self.ipv6Address = ipv6Address
        self.tags = tags
    }

    /// `tagSet/item/{key,value}`; a tag with no value is the empty string.
    static func tags(_ tagSet: XMLNode?) -> [String: String] {
        var tags: [String: String] = [:]
        for item in tagSet?.children("item") ?? [] {
            guard let key = item.child("key")?.text else { continue }
            tags[key] = item.child("value")?.text ?? ""
        }
        return tags
    }
}

/// One `DescribeInstances` page: every instance of every reservation, and the token of the next page.
struct DescribeInstancesPage: Sendable {
    var instances: [EC2Instance]
    var nextToken: String?

    init(_ root: XMLNode) throws {
        guard root.name == "DescribeInstancesResponse" else {
            throw AWSProviderError(.invalidResponse, "ec2 DescribeInstances: the answer is a <\(root.name)>, not a <DescribeInstancesResponse>")
        }
        var instances: [EC2Instance] = []
        for reservation in root.child("reservationSet")?.children("item") ?? [] {
            for item in reservation.child("instancesSet")?.children("item") ?? [] {
                if let instance = EC2Instance(item) { instances.append(instance) }
            }
        }
        self.instances = instances
        self.nextToken = root.string("nextToken")
    }
}
