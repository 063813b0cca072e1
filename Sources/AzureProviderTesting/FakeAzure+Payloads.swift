import Foundation

/// Resource ids and payloads in the shapes of Microsoft's official ARM examples.
extension FakeAzure {
    public static func resourceGroupPath(_ fleet: FakeFleet, _ group: String) -> String {
        "/subscriptions/\(fleet.subscriptionID)/resourceGroups/\(group)"
    }

    public static func scaleSetID(_ scaleSet: FakeScaleSet, _ fleet: FakeFleet) -> String {
        "\(resourceGroupPath(fleet, scaleSet.resourceGroup))/providers/Microsoft.Compute/virtualMachineScaleSets/\(scaleSet.name)"
    }

    public static func machineID(_ machine: FakeMachine, _ fleet: FakeFleet, scaleSet: FakeScaleSet?) -> String {
        if let scaleSet {
            let index = machine.name.split(separator: "_").last.map(String.init) ?? "0"
            return "\(scaleSetID(scaleSet, fleet))/virtualMachines/\(index)"
        }
        return "\(resourceGroupPath(fleet, machine.resourceGroup))/providers/Microsoft.Compute/virtualMachines/\(machine.name)"
    }

    public static func nicID(_ machine: FakeMachine, _ fleet: FakeFleet, scaleSet: FakeScaleSet?) -> String {
        if scaleSet != nil { return "\(machineID(machine, fleet, scaleSet: scaleSet))/networkInterfaces/nic0" }
        return "\(resourceGroupPath(fleet, machine.networkInterfaceGroup))/providers/Microsoft.Network/networkInterfaces/\(machine.name)-nic"
    }

    public static func publicIPID(_ machine: FakeMachine, _ fleet: FakeFleet, scaleSet: FakeScaleSet?) -> String {
        if scaleSet != nil { return "\(nicID(machine, fleet, scaleSet: scaleSet))/ipConfigurations/ipconfig1/publicIPAddresses/pip" }
        return "\(resourceGroupPath(fleet, machine.publicIPGroup))/providers/Microsoft.Network/publicIPAddresses/\(machine.name)-ip"
    }

    public static func statuses(_ machine: FakeMachine) -> [[String: Any]] {
        [
            ["code": "ProvisioningState/succeeded", "level": "Info", "displayStatus": "Provisioning succeeded"],
            ["code": "PowerState/\(machine.powerState)", "level": "Info", "displayStatus": "VM \(machine.powerState)"],
        ]
    }

    public static func machinePayload(_ machine: FakeMachine, _ fleet: FakeFleet, scaleSet: FakeScaleSet?, instanceView: Bool) -> [String: Any] {
        var properties: [String: Any] = [
            "hardwareProfile": ["vmSize": "Standard_D2s_v5"],
            "osProfile": ["computerName": machine.name, "adminUsername": "azureuser"],
            "networkProfile": [
                "networkInterfaces": [["id": nicID(machine, fleet, scaleSet: scaleSet), "properties": ["primary": true]]]
            ],
            "provisioningState": "Succeeded",
        ]
        if let flexible = machine.flexibleScaleSet, let set = fleet.scaleSets.first(where: { $0.name == flexible }) {
            properties["virtualMachineScaleSet"] = ["id": scaleSetID(set, fleet)]
        }
        if instanceView {
            properties["instanceView"] = ["statuses": statuses(machine)]
        }
        var payload: [String: Any] = [
            "id": machineID(machine, fleet, scaleSet: scaleSet),
            "name": machine.name,
            "type": scaleSet == nil ? "Microsoft.Compute/virtualMachines" : "Microsoft.Compute/virtualMachineScaleSets/virtualMachines",
            "location": machine.location,
            "tags": machine.tags,
            "properties": properties,
        ]
        if let zone = machine.zone { payload["zones"] = [zone] }
        if let scaleSet, let index = machine.name.split(separator: "_").last {
            payload["instanceId"] = String(index)
            payload["name"] = "\(scaleSet.name)_\(index)"
        }
        return payload
    }

    /// What `statusOnly=true` is documented to carry: run-time status; no tags, no network profile.
    public static func statusPayload(_ machine: FakeMachine, _ fleet: FakeFleet) -> [String: Any] {
        [
            "id": machineID(machine, fleet, scaleSet: nil),
            "name": machine.name,
            "type": "Microsoft.Compute/virtualMachines",
            "location": machine.location,
            "properties": ["instanceView": ["computerName": machine.name, "statuses": statuses(machine)]],
        ]
    }

    public static func nicPayload(_ machine: FakeMachine, _ fleet: FakeFleet, scaleSet: FakeScaleSet?) -> [String: Any] {
        let nic = nicID(machine, fleet, scaleSet: scaleSet)
        var ipProperties: [String: Any] = [
            "provisioningState": "Succeeded",
            "privateIPAddress": machine.privateIP,
            "privateIPAllocationMethod": "Dynamic",
            "subnet": ["id": "\(resourceGroupPath(fleet, "rg-net"))/providers/Microsoft.Network/virtualNetworks/vnet/subnets/default"],
            "primary": true,
            "privateIPAddressVersion": "IPv4",
        ]
        if machine.privateIP.contains("/"), let length = machine.privateIP.split(separator: "/").last {
            ipProperties["privateIPAddressPrefixLength"] = Int(length)
        }
        if machine.publicIP != nil {
            ipProperties["publicIPAddress"] = ["id": publicIPID(machine, fleet, scaleSet: scaleSet)]
        }
        return [
            "name": nic.split(separator: "/").last.map(String.init) ?? "nic",
            "id": nic,
            "location": machine.location,
            "type": "Microsoft.Network/networkInterfaces",
            "properties": [
                "provisioningState": "Succeeded",
                "ipConfigurations": [["name": "ipconfig1", "id": "\(nic)/ipConfigurations/ipconfig1", "properties": ipProperties]],
                "primary": true,
                "virtualMachine": ["id": machineID(machine, fleet, scaleSet: scaleSet)],
            ],
        ]
    }

    public static func publicIPPayload(_ machine: FakeMachine, _ fleet: FakeFleet, scaleSet: FakeScaleSet?) -> [String: Any] {
        [
            "name": "\(machine.name)-ip",
            "id": publicIPID(machine, fleet, scaleSet: scaleSet),
            "location": machine.location,
            "type": "Microsoft.Network/publicIPAddresses",
            "properties": [
                "provisioningState": "Succeeded",
                "ipAddress": machine.publicIP ?? "",
                "publicIPAddressVersion": "IPv4",
                "publicIPAllocationMethod": "Static",
                "ipConfiguration": ["id": "\(nicID(machine, fleet, scaleSet: scaleSet))/ipConfigurations/ipconfig1"],
            ],
        ]
    }

    public static func scaleSetPayload(_ scaleSet: FakeScaleSet, _ fleet: FakeFleet) -> [String: Any] {
        var properties: [String: Any] = ["provisioningState": "Succeeded", "platformFaultDomainCount": 1]
        if let mode = scaleSet.mode { properties["orchestrationMode"] = mode }
        return [
            "name": scaleSet.name,
            "id": scaleSetID(scaleSet, fleet),
            "type": "Microsoft.Compute/virtualMachineScaleSets",
            "location": scaleSet.location,
            "tags": scaleSet.tags,
            "sku": ["name": "Standard_D2s_v5", "tier": "Standard", "capacity": scaleSet.instances.count],
            "properties": properties,
        ]
    }
}
