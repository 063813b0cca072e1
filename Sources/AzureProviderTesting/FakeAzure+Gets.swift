import Foundation

/// Single resources by id: a VM's instance view, a NIC, a public IP (standalone and Flexible machines).
extension FakeAzure {
    static func get(_ operation: Operation, _ request: FakeRequest, _ state: State) -> FakeResponse {
        let fleet = state.fleet
        let path = request.path.lowercased()
        let apiVersion = request.query["api-version"] ?? ""
        let expectedVersion = operation == .virtualMachineInstanceView ? "2024-03-01" : "2023-05-01"
        guard apiVersion == expectedVersion else { return unsupportedAPIVersion(apiVersion) }
        switch operation {
        case .virtualMachineInstanceView:
            if let machine = fleet.machines.first(where: { machineID($0, fleet, scaleSet: nil).lowercased() + "/instanceview" == path }) {
                // VirtualMachines_InstanceView's example shape.
                return json(200, ["computerName": machine.name, "statuses": statuses(machine)])
            }
        case .networkInterface:
            if let machine = fleet.machines.first(where: { $0.hasNetworkInterface && nicID($0, fleet, scaleSet: nil).lowercased() == path }) {
                return json(200, nicPayload(machine, fleet, scaleSet: nil))
            }
        default:
            if let machine = fleet.machines.first(where: { $0.publicIP != nil && publicIPID($0, fleet, scaleSet: nil).lowercased() == path }) {
                return json(200, publicIPPayload(machine, fleet, scaleSet: nil))
            }
        }
        let name = request.path.split(separator: "/").last.map(String.init) ?? ""
        return armError(404, "ResourceNotFound", "The Resource '\(name)' was not found.")
    }
}
