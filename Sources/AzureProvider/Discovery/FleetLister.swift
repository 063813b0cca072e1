import Logging
import ProviderKit

/// Reads a subscription's fleet with bulk lists only, so the request count does not grow with the
/// number of machines:
///
/// 1. VMs (model), VM run-time status (`statusOnly=true`), NICs, scale sets (+ public IPs when wanted),
///    per subscription or per configured resource group;
/// 2. for each *tagged* Uniform scale set: its instances with instance view, and its NICs
///    (+ its public IPs when wanted). Flexible members are ordinary VMs and already listed in step 1;
///    untagged scale sets cost nothing more.
///
/// Any list that fails after its retries fails the whole snapshot.
struct FleetLister: Sendable {
    var client: ARMClient
    var subscriptionID: String
    var resourceGroups: [String]
    var wantsPublicAddresses: Bool
    var scaleSetTag: String
    var concurrency: Int

    private enum Listed: Sendable {
        case virtualMachines([VirtualMachine])
        case statuses([VirtualMachine])
        case networkInterfaces([NetworkInterface])
        case publicIPAddresses([PublicIPAddress])
        case scaleSets([VirtualMachineScaleSet])
    }

    func snapshot() async throws -> FleetSnapshot {
        let client = self.client
        var jobs: [@Sendable () async throws -> Listed] = []
        let statusEndpoint = ARMPaths.virtualMachineStatuses(subscriptionID: subscriptionID)
        let scoped = !resourceGroups.isEmpty
        jobs.append {
            do {
                return .statuses(try await client.list(statusEndpoint, VirtualMachine.self))
            } catch let error as AzureProviderError where error.status == 403 && scoped {
                // Only the subscription-wide list carries run-time status in bulk.
                throw AzureProviderError(
                    error.code,
                    error.message
                        + " (power states are read in bulk from the subscription-wide VM list with statusOnly=true, so the identity needs Microsoft.Compute/virtualMachines/read on the subscription even with azure.resource_groups set)",
                    status: error.status
                )
            }
        }
        for scope in ARMPaths.scopes(subscriptionID: subscriptionID, resourceGroups: resourceGroups) {
            jobs.append { .virtualMachines(try await client.list(ARMPaths.virtualMachines(in: scope), VirtualMachine.self)) }
            jobs.append { .networkInterfaces(try await client.list(ARMPaths.networkInterfaces(in: scope), NetworkInterface.self)) }
            jobs.append { .scaleSets(try await client.list(ARMPaths.scaleSets(in: scope), VirtualMachineScaleSet.self)) }
            if wantsPublicAddresses {
                jobs.append { .publicIPAddresses(try await client.list(ARMPaths.publicIPAddresses(in: scope), PublicIPAddress.self)) }
            }
        }

        var snapshot = FleetSnapshot()
        for listed in try await runBounded(limit: concurrency, jobs) {
            switch listed {
            case .virtualMachines(let items): snapshot.virtualMachines += items
            case .statuses(let items): snapshot.virtualMachineStatuses += items
            case .networkInterfaces(let items): snapshot.networkInterfaces += items
            case .publicIPAddresses(let items): snapshot.publicIPAddresses += items
            case .scaleSets(let items): snapshot.scaleSets += items
            }
        }

        let tag = scaleSetTag
        let uniformTagged = snapshot.scaleSets.filter {
            $0.orchestrationMode == .uniform && $0.tags?.values.value(forTag: tag) != nil
        }
        let wantsPublic = wantsPublicAddresses
        let uniformJobs: [@Sendable () async throws -> UniformScaleSetSnapshot] = uniformTagged.map { scaleSet in
            {
                async let instances = client.list(ARMPaths.scaleSetInstances(scaleSetID: scaleSet.id), VirtualMachine.self)
                async let nics = client.list(ARMPaths.scaleSetNetworkInterfaces(scaleSetID: scaleSet.id), NetworkInterface.self)
                let publicIPs =
                    wantsPublic
                    ? try await client.list(ARMPaths.scaleSetPublicIPAddresses(scaleSetID: scaleSet.id), PublicIPAddress.self) : []
                return UniformScaleSetSnapshot(
                    scaleSet: scaleSet, instances: try await instances, networkInterfaces: try await nics,
                    publicIPAddresses: publicIPs
                )
            }
        }
        // Each job issues up to three lists at once; keep the total within the limit.
        snapshot.uniformScaleSets = try await runBounded(limit: max(1, concurrency / 2), uniformJobs)
        return snapshot
    }
}

extension ARMClient {
    /// Every item of the list at `endpoint` on this client's ARM endpoint.
    func list<Item: Decodable & Sendable>(
        _ endpoint: (path: String, query: [(String, String)]),
        _ itemType: Item.Type
    ) async throws -> [Item] {
        try await list(url(path: endpoint.path, query: endpoint.query), of: itemType)
    }
}
