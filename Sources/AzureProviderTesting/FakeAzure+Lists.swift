import Foundation

/// ARM list operations: which items a list path returns, and `nextLink` paging over them.
extension FakeAzure {
    static func list(_ operation: Operation, _ request: FakeRequest, page: Int, _ state: inout State) -> FakeResponse {
        var query = request.query
        query["$skiptoken"] = nil
        let cacheKey = "\(operation.rawValue) \(request.path.lowercased())?\(query.sorted { $0.key < $1.key })"
        let items: [[UInt8]]
        if let cached = state.encodedLists[cacheKey] {
            items = cached
        } else {
            switch allItems(operation, request, state.fleet) {
            case .failure(let error): return error.response
            case .success(let objects):
                items = objects.map { Array((try? JSONSerialization.data(withJSONObject: $0)) ?? Data()) }
                state.encodedLists[cacheKey] = items
            }
        }

        let start = page * state.pageSize
        let slice = start < items.count ? items[start..<min(items.count, start + state.pageSize)] : []
        var body = Array(#"{"value":["#.utf8)
        body += Array(slice.joined(separator: Array(",".utf8)))
        body += Array("]".utf8)
        if start + state.pageSize < items.count {
            query["$skiptoken"] = String(page + 1)
            let queryText = query.sorted { $0.key < $1.key }
                .map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0.value)" }
                .joined(separator: "&")
            body += Array(#","nextLink":"\#(state.baseURLForLinks)\#(request.path)?\#(queryText)""#.utf8)
        }
        body += Array("}".utf8)
        return FakeResponse(status: 200, headers: [("Content-Type", "application/json; charset=utf-8")], body: body)
    }

    public struct ErrorResponse: Error {
        var response: FakeResponse
        init(_ response: FakeResponse) { self.response = response }
    }

    /// Every item the list operation returns, or the error ARM would answer instead.
    private static func allItems(_ operation: Operation, _ request: FakeRequest, _ fleet: FakeFleet) -> Result<[Any], ErrorResponse> {
        let path = request.path.lowercased()
        let apiVersion = request.query["api-version"] ?? ""
        let subscription = "/subscriptions/\(fleet.subscriptionID)".lowercased()
        guard path.hasPrefix(subscription) else {
            return .failure(ErrorResponse(armError(404, "SubscriptionNotFound", "The subscription could not be found.")))
        }
        // `/subscriptions/{s}/resourceGroups/{rg}/providers/...` scopes a list to one group.
        let resourceGroup: String? = {
            let parts = path.split(separator: "/")
            guard parts.count > 3, parts[2] == "resourcegroups" else { return nil }
            return String(parts[3])
        }()
        func inScope(_ group: String) -> Bool { resourceGroup == nil || resourceGroup == group.lowercased() }

        var items: [Any] = []
        switch operation {
        case .virtualMachines, .virtualMachineStatuses:
            guard apiVersion == "2024-03-01" else { return .failure(ErrorResponse(unsupportedAPIVersion(apiVersion))) }
            if operation == .virtualMachineStatuses, resourceGroup != nil {
                return .failure(ErrorResponse(armError(400, "InvalidParameter", "statusOnly is only supported on the subscription-wide list.")))
            }
            for machine in fleet.machines where inScope(machine.resourceGroup) {
                items.append(
                    operation == .virtualMachineStatuses
                        ? statusPayload(machine, fleet) : machinePayload(machine, fleet, scaleSet: nil, instanceView: false)
                )
            }
        case .networkInterfaces:
            guard apiVersion == "2023-05-01" else { return .failure(ErrorResponse(unsupportedAPIVersion(apiVersion))) }
            for machine in fleet.machines where inScope(machine.networkInterfaceGroup) && machine.hasNetworkInterface {
                items.append(nicPayload(machine, fleet, scaleSet: nil))
            }
        case .publicIPAddresses:
            guard apiVersion == "2023-05-01" else { return .failure(ErrorResponse(unsupportedAPIVersion(apiVersion))) }
            for machine in fleet.machines where inScope(machine.publicIPGroup) && machine.publicIP != nil {
                items.append(publicIPPayload(machine, fleet, scaleSet: nil))
            }
        case .scaleSets:
            guard apiVersion == "2024-03-01" else { return .failure(ErrorResponse(unsupportedAPIVersion(apiVersion))) }
            for scaleSet in fleet.scaleSets where inScope(scaleSet.resourceGroup) {
                items.append(scaleSetPayload(scaleSet, fleet))
            }
        case .scaleSetInstances, .scaleSetNetworkInterfaces, .scaleSetPublicIPAddresses:
            let expectedVersion = operation == .scaleSetInstances ? "2024-03-01" : "2018-10-01"
            guard apiVersion == expectedVersion else { return .failure(ErrorResponse(unsupportedAPIVersion(apiVersion))) }
            guard
                let scaleSet = fleet.scaleSets.first(where: {
                    path.hasPrefix(scaleSetID($0, fleet).lowercased() + "/")
                })
            else { return .failure(ErrorResponse(armError(404, "ResourceNotFound", "The Resource was not found."))) }
            if scaleSet.mode == "Flexible" {
                // What ARM answers for the Uniform-only operations on a Flexible scale set.
                return .failure(ErrorResponse(armError(
                    409, "OperationNotAllowed",
                    "Operation 'VirtualMachineScaleSets.virtualMachines.GET' is not allowed on Virtual Machine Scale Set '\(scaleSet.name)'."
                )))
            }
            for machine in scaleSet.instances {
                switch operation {
                case .scaleSetInstances:
                    items.append(
                        machinePayload(machine, fleet, scaleSet: scaleSet, instanceView: request.query["$expand"] == "instanceView")
                    )
                case .scaleSetNetworkInterfaces:
                    if machine.hasNetworkInterface { items.append(nicPayload(machine, fleet, scaleSet: scaleSet)) }
                default:
                    if machine.publicIP != nil { items.append(publicIPPayload(machine, fleet, scaleSet: scaleSet)) }
                }
            }
        default:
            return .failure(ErrorResponse(armError(404, "ResourceNotFound", "no such route")))
        }

        return .success(items)
    }
}
