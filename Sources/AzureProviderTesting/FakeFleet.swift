/// The machines the fake ARM server knows, described the way the tests think about them.
public struct FakeFleet: Sendable {
    public var subscriptionID = "00000000-0000-0000-0000-00000000a2e0"
    /// Standalone VMs and Flexible scale-set members (both are ordinary VMs in ARM).
    public var machines: [FakeMachine] = []
    public var scaleSets: [FakeScaleSet] = []

    public init() {}

    /// `standalone` VMs in `rg-vms`, `uniform` tagged Uniform scale sets of `perScaleSet` instances,
    /// and one tagged Flexible scale set with `flexibleMembers` members; every machine running and
    /// tagged for service `web`:80.
    public static func standard(
        standalone: Int,
        uniform: Int,
        perScaleSet: Int,
        flexibleMembers: Int,
        untaggedUniform: Int = 0
    ) -> FakeFleet {
        var fleet = FakeFleet()
        let webTags = ["HAProxy:Service:Name": "web", "HAProxy:Service:Port": "80"]
        for index in 0..<standalone {
            fleet.machines.append(
                FakeMachine(name: "vm-\(index)", resourceGroup: "rg-vms", privateIP: FakeFleet.address(1, index), tags: webTags)
            )
        }
        for set in 0..<uniform {
            var scaleSet = FakeScaleSet(name: "uniform-\(set)", resourceGroup: "rg-vmss", mode: "Uniform", tags: webTags)
            for index in 0..<perScaleSet {
                scaleSet.instances.append(
                    FakeMachine(name: "uniform-\(set)_\(index)", resourceGroup: "rg-vmss", privateIP: FakeFleet.address(10 + set, index))
                )
            }
            fleet.scaleSets.append(scaleSet)
        }
        for set in 0..<untaggedUniform {
            var scaleSet = FakeScaleSet(name: "batch-\(set)", resourceGroup: "rg-batch", mode: "Uniform", tags: ["team": "batch"])
            scaleSet.instances = (0..<perScaleSet).map {
                FakeMachine(name: "batch-\(set)_\($0)", resourceGroup: "rg-batch", privateIP: FakeFleet.address(200 + set, $0))
            }
            fleet.scaleSets.append(scaleSet)
        }
        if flexibleMembers > 0 {
            fleet.scaleSets.append(FakeScaleSet(name: "flex", resourceGroup: "rg-flex", mode: "Flexible", tags: webTags))
            for index in 0..<flexibleMembers {
                var member = FakeMachine(name: "flex_\(index)", resourceGroup: "rg-flex", privateIP: FakeFleet.address(9, index), tags: webTags)
                member.flexibleScaleSet = "flex"
                fleet.machines.append(member)
            }
        }
        return fleet
    }

    /// A unique private address per (group, index).
    public static func address(_ group: Int, _ index: Int) -> String {
        "10.\(group % 256).\(index / 250).\(index % 250 + 4)"
    }

    public var prometheusStyleRequestCount: Int {
        // Per refresh on a cold cache (reference §1.8): VM list + VMSS list + one instance list per scale
        // set + one NIC GET per machine.
        2 + scaleSets.count + machines.count + scaleSets.filter { $0.mode == "Uniform" }.reduce(0) { $0 + $1.instances.count }
    }
}

public struct FakeMachine: Sendable {
    public var name: String
    public var resourceGroup: String
    public var location = "westeurope"
    public var zone: String? = "1"
    public var powerState = "running"
    public var privateIP: String
    /// Written verbatim, e.g. `"10.0.0.4/28"` to exercise the prefix form.
    public var publicIP: String?
    public var tags: [String: String] = [:]
    public var flexibleScaleSet: String?
    /// When false the machine has no NIC in the NIC list (a race while it is created).
    public var hasNetworkInterface = true
    /// The NIC's resource group when it is not the machine's (a shared networking group).
    public var networkInterfaceResourceGroup: String?
    /// The public IP's resource group when it is not the machine's.
    public var publicIPResourceGroup: String?

    public init(name: String, resourceGroup: String, privateIP: String, publicIP: String? = nil, tags: [String: String] = [:]) {
        self.name = name
        self.resourceGroup = resourceGroup
        self.privateIP = privateIP
        self.publicIP = publicIP
        self.tags = tags
    }

    var networkInterfaceGroup: String { networkInterfaceResourceGroup ?? resourceGroup }
    var publicIPGroup: String { publicIPResourceGroup ?? resourceGroup }
}

public struct FakeScaleSet: Sendable {
    public var name: String
    public var resourceGroup: String
    public var location = "westeurope"
    /// `Uniform`, `Flexible`, or nil (absent, as in older scale sets: Uniform).
    public var mode: String?
    public var tags: [String: String] = [:]
    public var instances: [FakeMachine] = []
}
