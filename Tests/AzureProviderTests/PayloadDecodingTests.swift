import Foundation
import ProviderKit
import Testing

@testable import AzureProvider

/// Every official example payload discovery reads decodes, including the minimal ones.
@Suite struct PayloadDecodingTests {
    @Test func virtualMachineListWithTagsAndNetworkProfile() throws {
        let page = try Fixtures.decode(
            ARMPage<VirtualMachine>.self, from: "Microsoft.Compute/VirtualMachine_ListBySubscription_ByLocation.json"
        )
        #expect(page.value.count == 2)
        #expect(page.continuation == nil)
        let vm = try #require(page.value.first)
        #expect(vm.location == "eastus")
        #expect(vm.tags?.values == ["RG": "rg", "testTag": "1"])
        #expect(
            vm.properties?.networkProfile?.networkInterfaces?.first?.id
                == "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network/networkInterfaces/{networkInterfaceName}"
        )
        #expect(vm.properties?.virtualMachineScaleSet == nil)
    }

    @Test func minimalVirtualMachineListHasOnlyIdAndLocation() throws {
        let page = try Fixtures.decode(ARMPage<VirtualMachine>.self, from: "Microsoft.Compute/VirtualMachine_ListAll_MinimumSet_Gen.json")
        #expect(page.value.count == 2)
        #expect(page.value.allSatisfy { $0.tags == nil && $0.properties == nil && $0.location == "eastus" })
    }

    @Test func flexibleScaleSetMemberReferencesItsScaleSet() throws {
        let vm = try Fixtures.decode(
            VirtualMachine.self, from: "Microsoft.Compute/VirtualMachine_Create_InAVmssWithCustomerAssignedPlatformFaultDomain.json"
        )
        #expect(vm.properties?.virtualMachineScaleSet?.id?.hasSuffix("/virtualMachineScaleSets/myExistingFlexVmss") == true)
        #expect(vm.properties?.networkProfile?.networkInterfaces?.first?.properties?.primary == true)
    }

    @Test func instanceViewPowerState() throws {
        let view = try Fixtures.decode(InstanceView.self, from: "Microsoft.Compute/VirtualMachine_Get_InstanceView.json")
        #expect(view.powerState == .running)
    }

    @Test func scaleSetListWithoutOrchestrationModeIsUniform() throws {
        let page = try Fixtures.decode(
            ARMPage<VirtualMachineScaleSet>.self, from: "Microsoft.Compute/VirtualMachineScaleSet_ListBySubscription_ByLocation.json"
        )
        #expect(!page.value.isEmpty)
        #expect(page.value.allSatisfy { $0.orchestrationMode == .uniform })
        #expect(page.value.first?.tags?.values == ["myTag1": "tagValue1"])
    }

    @Test func uniformInstanceListWithInstanceViewAndNextLink() throws {
        let page = try Fixtures.decode(
            ARMPage<VirtualMachine>.self, from: "Microsoft.Compute/VirtualMachineScaleSetVM_List_MaximumSet_Gen.json"
        )
        let instance = try #require(page.value.first)
        #expect(instance.tags?.values == [:])
        #expect(instance.zones == ["a"])
        #expect(instance.properties?.instanceView?.statuses?.isEmpty == false)
        // The generated example's status code is filler ("aaaa"), not a PowerState: no state.
        #expect(instance.properties?.instanceView?.powerState == nil)
        #expect(instance.properties?.networkProfile?.networkInterfaces?.first?.id?.contains("/virtualMachines/0/networkInterfaces/") == true)
        #expect(page.continuation == "a://example.com/aaaaaaaaaaaaaa")
    }

    @Test func minimalUniformInstanceList() throws {
        let page = try Fixtures.decode(
            ARMPage<VirtualMachine>.self, from: "Microsoft.Compute/VirtualMachineScaleSetVM_List_MinimumSet_Gen.json"
        )
        #expect(!page.value.isEmpty)
        #expect(page.value.allSatisfy { $0.properties?.instanceView == nil })
    }

    @Test(arguments: [
        "Microsoft.Network/NetworkInterfaceListAll.json",
        "Microsoft.Network/NetworkInterfaceList.json",
        "Microsoft.Network/VmssNetworkInterfaceList.json",
        "Microsoft.Network/VmssVmNetworkInterfaceList.json",
    ])
    func networkInterfaceLists(_ name: String) throws {
        let page = try Fixtures.decode(ARMPage<NetworkInterface>.self, from: name)
        #expect(!page.value.isEmpty)
        for nic in page.value {
            #expect(nic.properties?.ipConfigurations?.isEmpty == false)
        }
    }

    @Test(arguments: ["Microsoft.Network/NetworkInterfaceGet.json", "Microsoft.Network/VmssNetworkInterfaceGet.json"])
    func singleNetworkInterface(_ name: String) throws {
        let nic = try Fixtures.decode(NetworkInterface.self, from: name)
        #expect(nic.properties?.ipConfigurations?.first?.properties?.privateIPAddress != nil)
    }

    @Test func prefixFormPrivateAddressIsStripped() throws {
        let page = try Fixtures.decode(ARMPage<NetworkInterface>.self, from: "Microsoft.Network/NetworkInterfaceList.json")
        let addresses = page.value.flatMap { $0.properties?.ipConfigurations ?? [] }.compactMap { $0.properties?.privateIPAddress }
        #expect(addresses.contains("172.20.2.16/28"))
        #expect(NetworkIndex.stripPrefixLength("172.20.2.16/28") == "172.20.2.16")
        #expect(NetworkIndex.stripPrefixLength("10.0.0.4") == "10.0.0.4")
    }

    @Test func networkInterfaceBackReferenceToTheVirtualMachine() throws {
        let page = try Fixtures.decode(ARMPage<NetworkInterface>.self, from: "Microsoft.Network/VmssNetworkInterfaceList.json")
        let nic = try #require(page.value.first)
        #expect(nic.properties?.virtualMachine?.key?.hasSuffix("/virtualmachinescalesets/vmss1/virtualmachines/0") == true)
        #expect(nic.properties?.primary == true)
    }

    @Test(arguments: ["Microsoft.Network/PublicIpAddressListAll.json", "Microsoft.Network/VmssPublicIpListAll.json"])
    func publicIPLists(_ name: String) throws {
        let page = try Fixtures.decode(ARMPage<PublicIPAddress>.self, from: name)
        #expect(!page.value.isEmpty)
    }

    @Test func unallocatedPublicIPHasNoAddress() throws {
        let page = try Fixtures.decode(ARMPage<PublicIPAddress>.self, from: "Microsoft.Network/PublicIpAddressListAll.json")
        #expect(page.value.first?.properties?.ipAddress == nil)
        #expect(page.value.dropFirst().first?.properties?.ipAddress == "40.85.154.247")
        #expect(page.value.first?.properties?.ipConfiguration?.id?.hasSuffix("/ipConfigurations/ipconfig1") == true)
    }

    /// Seen: a page without `value` was read as an empty list, so every VM would have been drained.
    @Test func aPageWithoutValueIsAnErrorNotAnEmptyList() throws {
        for body in [#"{"nextLink": null}"#, #"{}"#, #"{"error": {"code": "x", "message": "proxy page"}}"#] {
            #expect(throws: DecodingError.self) {
                try JSONDecoder().decode(ARMPage<VirtualMachine>.self, from: Data(body.utf8))
            }
        }
    }

    @Test func emptyPageAndNullNextLink() throws {
        let page = try JSONDecoder().decode(ARMPage<VirtualMachine>.self, from: Data(#"{"value": [], "nextLink": null}"#.utf8))
        #expect(page.value.isEmpty)
        #expect(page.continuation == nil)
        let empty = try JSONDecoder().decode(ARMPage<VirtualMachine>.self, from: Data(#"{"value": [], "nextLink": ""}"#.utf8))
        #expect(empty.continuation == nil)
    }

    @Test func tagsWithNullOrNumericValuesDoNotFailThePage() throws {
        let json = #"{"value": [{"id": "/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/virtualMachines/a", "tags": {"a": "x", "b": null, "c": 8080}}]}"#
        let page = try JSONDecoder().decode(ARMPage<VirtualMachine>.self, from: Data(json.utf8))
        #expect(page.value.first?.tags?.values == ["a": "x", "c": "8080"])
    }
}
