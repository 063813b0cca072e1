import Foundation
import ProviderKit
import ProviderKitTesting
import Testing

@testable import AzureProvider

/// The pure join: lists in, instances out, no I/O.
@Suite struct FleetJoinTests {
    static func decode<T: Decodable>(_ json: String, as type: T.Type = T.self) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(json.utf8))
    }

    static func vm(
        _ id: String, nics: [(String, Bool?)], tags: String = "{}", scaleSet: String? = nil, zones: String = "null",
        status: String? = nil
    ) throws -> VirtualMachine {
        let references = nics.map { id, primary in
            primary.map { #"{"id": "\#(id)", "properties": {"primary": \#($0)}}"# } ?? #"{"id": "\#(id)"}"#
        }.joined(separator: ",")
        let scaleSetJSON = scaleSet.map { #", "virtualMachineScaleSet": {"id": "\#($0)"}"# } ?? ""
        let statusJSON = status.map { #", "instanceView": {"statuses": [{"code": "PowerState/\#($0)"}]}"# } ?? ""
        return try decode(
            #"""
            {"id": "\#(id)", "name": "\#(id.split(separator: "/").last ?? "")", "location": "westeurope", "zones": \#(zones),
             "tags": \#(tags),
             "properties": {"networkProfile": {"networkInterfaces": [\#(references)]}\#(scaleSetJSON)\#(statusJSON)}}
            """#
        )
    }

    static func status(_ id: String, _ power: String) throws -> VirtualMachine {
        try decode(#"{"id": "\#(id)", "properties": {"instanceView": {"statuses": [{"code": "ProvisioningState/succeeded"}, {"code": "PowerState/\#(power)"}]}}}"#)
    }

    static func nic(_ id: String, vm: String? = nil, primary: Bool? = nil, configurations: [(address: String, version: String?, primary: Bool?, publicIP: String?)]) throws -> NetworkInterface {
        let configs = configurations.enumerated().map { index, config in
            var fields = [#""privateIPAddress": "\#(config.address)""#]
            if let version = config.version { fields.append(#""privateIPAddressVersion": "\#(version)""#) }
            if let primary = config.primary { fields.append(#""primary": \#(primary)"#) }
            if let publicIP = config.publicIP { fields.append(#""publicIPAddress": {"id": "\#(publicIP)"}"#) }
            return #"{"name": "ipconfig\#(index)", "id": "\#(id)/ipConfigurations/ipconfig\#(index)", "properties": {\#(fields.joined(separator: ","))}}"#
        }.joined(separator: ",")
        var properties = [#""ipConfigurations": [\#(configs)]"#]
        if let vm { properties.append(#""virtualMachine": {"id": "\#(vm)"}"#) }
        if let primary { properties.append(#""primary": \#(primary)"#) }
        return try decode(#"{"id": "\#(id)", "properties": {\#(properties.joined(separator: ","))}}"#)
    }

    let base = "/subscriptions/s/resourceGroups/RG/providers"

    @Test func joinsModelStatusAndNICsOnIdsWhateverTheirCase() throws {
        let vmID = "\(base)/Microsoft.Compute/virtualMachines/Web-1"
        let nicID = "\(base)/Microsoft.Network/networkInterfaces/web-1-nic"
        var snapshot = FleetSnapshot()
        snapshot.virtualMachines = [try Self.vm(vmID, nics: [(nicID.uppercased(), nil)], zones: #"["2"]"#)]
        snapshot.virtualMachineStatuses = [try Self.status(vmID.lowercased(), "running")]
        snapshot.networkInterfaces = [try Self.nic(nicID, vm: vmID, configurations: [("10.0.0.7", "IPv4", true, nil)])]

        let result = FleetJoin(addressPreference: .private).join(snapshot)
        let instance = try #require(result.instances.first)
        #expect(instance.id == InstanceID(vmID.lowercased()))
        #expect(instance.name == "Web-1")
        #expect(instance.address == "10.0.0.7")
        #expect(instance.state == .running)
        #expect(instance.region == "westeurope")
        #expect(instance.zone == "2")
        #expect(instance.sourceKind == "azure-vm")
        #expect(result.notes.isEmpty)
    }

    @Test func powerStatesMapAndNonRunningInstancesAreNoted() throws {
        var snapshot = FleetSnapshot()
        for (index, power) in ["running", "stopped", "deallocated", "starting", "deallocating"].enumerated() {
            let vmID = "\(base)/Microsoft.Compute/virtualMachines/vm\(index)"
            let nicID = "\(base)/Microsoft.Network/networkInterfaces/nic\(index)"
            snapshot.virtualMachines.append(try Self.vm(vmID, nics: [(nicID, nil)]))
            snapshot.virtualMachineStatuses.append(try Self.status(vmID, power))
            snapshot.networkInterfaces.append(try Self.nic(nicID, configurations: [("10.0.0.\(index + 4)", nil, nil, nil)]))
        }
        let result = FleetJoin(addressPreference: .private).join(snapshot)
        #expect(result.instances.map(\.state) == [.running, .stopped, .deallocated, .starting, .deallocating])
        #expect(Set(result.notes.map(\.reason.category)) == ["stopped", "deallocated", "starting", "deallocating"])
    }

    /// A VM never seen with a power state is left out (noted for the debug log) until it has one.
    @Test func machineNeverSeenWithAStatusIsLeftOut() throws {
        var snapshot = FleetSnapshot()
        snapshot.virtualMachines = [try Self.vm("\(base)/Microsoft.Compute/virtualMachines/new", nics: [])]
        let result = FleetJoin(addressPreference: .private).join(snapshot)
        #expect(result.instances.isEmpty)
        #expect(result.notes.map(\.reason) == [.noPowerState])
    }

    /// Seen: a VM missing from the power-state list became `unknown` and was drained.
    @Test func machineMissingFromTheStatusListKeepsItsPreviousState() throws {
        let vmID = "\(base)/Microsoft.Compute/virtualMachines/web-1"
        let nicID = "\(base)/Microsoft.Network/networkInterfaces/web-1-nic"
        var snapshot = FleetSnapshot()
        snapshot.virtualMachines = [try Self.vm(vmID, nics: [(nicID, nil)])]
        snapshot.networkInterfaces = [try Self.nic(nicID, configurations: [("10.0.0.7", nil, nil, nil)])]
        var join = FleetJoin(addressPreference: .private)
        join.previousStates = [InstanceID(vmID.lowercased()): .running]
        let instance = try #require(join.join(snapshot).instances.first)
        #expect(instance.state == .running)
        #expect(instance.address == "10.0.0.7")
    }

    @Test func primaryNICAndPrimaryIPv4ConfigurationAreChosen() throws {
        let vmID = "\(base)/Microsoft.Compute/virtualMachines/multi"
        let first = "\(base)/Microsoft.Network/networkInterfaces/a"
        let second = "\(base)/Microsoft.Network/networkInterfaces/b"
        var snapshot = FleetSnapshot()
        snapshot.virtualMachines = [try Self.vm(vmID, nics: [(first, false), (second, true)])]
        snapshot.virtualMachineStatuses = [try Self.status(vmID, "running")]
        snapshot.networkInterfaces = [
            try Self.nic(first, configurations: [("10.0.1.4", "IPv4", true, nil)]),
            try Self.nic(second, configurations: [
                ("fd00::4", "IPv6", true, nil),
                ("10.0.2.9/28", "IPv4", false, nil),
                ("10.0.2.10", "IPv4", nil, nil),
            ]),
        ]
        let instance = try #require(FleetJoin(addressPreference: .private).join(snapshot).instances.first)
        // Primary NIC `b`; its primary configuration is IPv6, so the first IPv4 one, without `/28`.
        #expect(instance.address == "10.0.2.9")
    }

    @Test func primaryFlagOnTheNICItselfWhenTheVMDoesNotSayWhich() throws {
        let vmID = "\(base)/Microsoft.Compute/virtualMachines/multi"
        let first = "\(base)/Microsoft.Network/networkInterfaces/a"
        let second = "\(base)/Microsoft.Network/networkInterfaces/b"
        var snapshot = FleetSnapshot()
        snapshot.virtualMachines = [try Self.vm(vmID, nics: [(first, nil), (second, nil)])]
        snapshot.virtualMachineStatuses = [try Self.status(vmID, "running")]
        snapshot.networkInterfaces = [
            try Self.nic(first, primary: false, configurations: [("10.0.1.4", "IPv4", true, nil)]),
            try Self.nic(second, primary: true, configurations: [("10.0.2.4", "IPv4", true, nil)]),
        ]
        #expect(FleetJoin(addressPreference: .private).join(snapshot).instances.first?.address == "10.0.2.4")
    }

    @Test func publicAddressComesFromThePublicIPList() throws {
        let vmID = "\(base)/Microsoft.Compute/virtualMachines/edge"
        let nicID = "\(base)/Microsoft.Network/networkInterfaces/edge-nic"
        let pipID = "\(base)/Microsoft.Network/publicIPAddresses/edge-ip"
        var snapshot = FleetSnapshot()
        snapshot.virtualMachines = [try Self.vm(vmID, nics: [(nicID, true)])]
        snapshot.virtualMachineStatuses = [try Self.status(vmID, "running")]
        snapshot.networkInterfaces = [try Self.nic(nicID, configurations: [("10.0.0.4", "IPv4", true, pipID.lowercased())])]
        snapshot.publicIPAddresses = [
            try Self.decode(#"{"id": "\#(pipID)", "properties": {"ipAddress": "20.1.2.3", "ipConfiguration": {"id": "\#(nicID)/ipConfigurations/ipconfig0"}}}"#)
        ]
        let publicResult = FleetJoin(addressPreference: .public).join(snapshot)
        #expect(publicResult.instances.first?.address == "20.1.2.3")
        #expect(publicResult.instances.first?.publicAddress == "20.1.2.3")
        let privateResult = FleetJoin(addressPreference: .private).join(snapshot)
        #expect(privateResult.instances.first?.address == "10.0.0.4")
        #expect(privateResult.instances.first?.publicAddress == "20.1.2.3")

        snapshot.publicIPAddresses = []
        let unallocated = FleetJoin(addressPreference: .public).join(snapshot)
        #expect(unallocated.instances.first?.address == "")
        #expect(unallocated.notes.map(\.reason) == [.noPublicIP])
    }

    @Test func uniformInstancesJoinTheOfficialScaleSetNICList() throws {
        let nics = try Fixtures.decode(ARMPage<NetworkInterface>.self, from: "Microsoft.Network/VmssNetworkInterfaceList.json").value
        let scaleSet = try Self.decode(
            #"{"id": "/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Compute/virtualMachineScaleSets/vmss1", "location": "westus", "tags": {"HAProxy:Service:Name": "api", "HAProxy:Service:Port": "80", "Team": "core"}}"#,
            as: VirtualMachineScaleSet.self
        )
        var uniform = UniformScaleSetSnapshot(scaleSet: scaleSet, networkInterfaces: nics)
        for index in 0..<2 {
            let id = "/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Compute/virtualMachineScaleSets/vmss1/virtualMachines/\(index)"
            // The instance's own NIC references, as in the instance list (same ids as the NIC list).
            uniform.instances.append(
                try Self.vm(id, nics: [("\(id)/networkInterfaces/nic1", true)], tags: index == 1 ? #"{"haproxy:service:port": "8080"}"# : "{}", status: "running")
            )
        }
        var snapshot = FleetSnapshot()
        snapshot.scaleSets = [scaleSet]
        snapshot.uniformScaleSets = [uniform]
        let instances = FleetJoin(addressPreference: .private).join(snapshot).instances
        #expect(instances.map(\.address) == ["10.0.0.4", "10.0.0.5"])
        #expect(instances.allSatisfy { $0.sourceKind == "azure-vmss-uniform" && $0.state == .running })
        // Scale-set tags are inherited; the instance's tag overrides whatever the spelling.
        #expect(instances[0].tags == ["HAProxy:Service:Name": "api", "HAProxy:Service:Port": "80", "Team": "core"])
        #expect(instances[1].tags == ["HAProxy:Service:Name": "api", "haproxy:service:port": "8080", "Team": "core"])
    }

    @Test func instancesTaggedAlikeShareOneTagDictionary() throws {
        let tags = #"{"HAProxy:Service:Name": "web", "HAProxy:Service:Port": "80", "Team": "core"}"#
        let setID = "/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Compute/virtualMachineScaleSets/vmss1"
        let scaleSet = try Self.decode(#"{"id": "\#(setID)", "location": "westus", "tags": \#(tags)}"#, as: VirtualMachineScaleSet.self)
        var uniform = UniformScaleSetSnapshot(scaleSet: scaleSet)
        var snapshot = FleetSnapshot()
        for index in 0..<2 {
            let vmID = "\(base)/Microsoft.Compute/virtualMachines/web-\(index)"
            // Each VM's tags decoded from its own JSON, as the list pages deliver them.
            snapshot.virtualMachines.append(try Self.vm(vmID, nics: [], tags: tags))
            snapshot.virtualMachineStatuses.append(try Self.status(vmID, "running"))
            uniform.instances.append(try Self.vm("\(setID)/virtualMachines/\(index)", nics: [], status: "running"))
        }
        snapshot.scaleSets = [scaleSet]
        snapshot.uniformScaleSets = [uniform]
        let instances = FleetJoin(addressPreference: .private).join(snapshot).instances
        #expect(instances.count == 4)
        #expect(instances.allSatisfy { $0.tags == ["HAProxy:Service:Name": "web", "HAProxy:Service:Port": "80", "Team": "core"] })
        #expect(instances.dropFirst().allSatisfy { sharesStorage($0.tags, instances[0].tags) })
    }

    @Test func flexibleMembersAreVMsWithTheirScaleSetsTags() throws {
        let setID = "\(base)/Microsoft.Compute/virtualMachineScaleSets/flex"
        let vmID = "\(base)/Microsoft.Compute/virtualMachines/flex_1"
        let nicID = "\(base)/Microsoft.Network/networkInterfaces/flex_1-nic"
        var snapshot = FleetSnapshot()
        snapshot.scaleSets = [
            try Self.decode(#"{"id": "\#(setID)", "tags": {"HAProxy:Service:Name": "flex"}, "properties": {"orchestrationMode": "Flexible"}}"#)
        ]
        snapshot.virtualMachines = [try Self.vm(vmID, nics: [(nicID, nil)], tags: #"{"HAProxy:Service:Port": "81"}"#, scaleSet: setID.uppercased())]
        snapshot.virtualMachineStatuses = [try Self.status(vmID, "running")]
        snapshot.networkInterfaces = [try Self.nic(nicID, configurations: [("10.9.0.4", nil, nil, nil)])]
        let instance = try #require(FleetJoin(addressPreference: .private).join(snapshot).instances.first)
        #expect(instance.sourceKind == "azure-vmss-flex")
        #expect(instance.tags == ["HAProxy:Service:Name": "flex", "HAProxy:Service:Port": "81"])
        #expect(instance.address == "10.9.0.4")
    }

    @Test func nicFoundByItsBackReferenceWhenTheVMListsNone() throws {
        let vmID = "\(base)/Microsoft.Compute/virtualMachines/bare"
        var snapshot = FleetSnapshot()
        snapshot.virtualMachines = [try Self.decode(#"{"id": "\#(vmID)", "location": "eastus"}"#)]
        snapshot.virtualMachineStatuses = [try Self.status(vmID, "running")]
        snapshot.networkInterfaces = [
            try Self.nic("\(base)/Microsoft.Network/networkInterfaces/bare-nic", vm: vmID.uppercased(), configurations: [("10.3.0.4", "IPv4", true, nil)])
        ]
        #expect(FleetJoin(addressPreference: .private).join(snapshot).instances.first?.address == "10.3.0.4")
    }
}
