import Foundation

/// Role scopes: an identity with Reader on some resource groups only is refused everything else with
/// ARM's `AuthorizationFailed` answer, subscription-scope lists included.
extension FakeAzure {
    /// The 403 ARM answers when the identity may not read at the request's scope, or nil.
    static func authorize(_ operation: Operation, _ request: FakeRequest, _ state: State) -> FakeResponse? {
        if operation == .resourceGraph {
            guard state.resourceGraphDenied else { return nil }
            return authorizationFailed(action: "Microsoft.ResourceGraph/resources/read", scope: "/providers/Microsoft.ResourceGraph")
        }
        guard let readable = state.readableResourceGroups else { return nil }
        let readableGroups = Set(readable.map { $0.lowercased() })
        let parts = request.path.split(separator: "/").map(String.init)
        // /subscriptions/{s}/resourceGroups/{rg}/...
        let scope: String
        if parts.count > 3, parts[2].lowercased() == "resourcegroups" {
            guard !readableGroups.contains(parts[3].lowercased()) else { return nil }
            scope = "/" + parts[0...3].joined(separator: "/")
        } else {
            scope = "/" + parts.prefix(2).joined(separator: "/")
        }
        return authorizationFailed(action: action(of: operation), scope: scope)
    }

    static func action(of operation: Operation) -> String {
        switch operation {
        case .virtualMachines, .virtualMachineStatuses: "Microsoft.Compute/virtualMachines/read"
        case .virtualMachineInstanceView: "Microsoft.Compute/virtualMachines/instanceView/read"
        case .networkInterfaces, .networkInterface: "Microsoft.Network/networkInterfaces/read"
        case .publicIPAddresses, .publicIPAddress: "Microsoft.Network/publicIPAddresses/read"
        case .scaleSets: "Microsoft.Compute/virtualMachineScaleSets/read"
        case .scaleSetInstances: "Microsoft.Compute/virtualMachineScaleSets/virtualMachines/read"
        case .scaleSetNetworkInterfaces: "Microsoft.Compute/virtualMachineScaleSets/virtualMachines/networkInterfaces/read"
        case .scaleSetPublicIPAddresses: "Microsoft.Compute/virtualMachineScaleSets/publicIPAddresses/read"
        default: "*/read"
        }
    }

    /// ARM's wording for a missing role assignment.
    static func authorizationFailed(action: String, scope: String) -> FakeResponse {
        armError(
            403, "AuthorizationFailed",
            "The client '11111111-2222-3333-4444-555555555555' with object id 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee' does not have authorization to perform action '\(action)' over scope '\(scope)' or the scope is invalid. If access was recently granted, please refresh your credentials."
        )
    }
}
