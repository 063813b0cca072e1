import ProviderKit

/// With `azure.resource_groups` set, the NICs and public IPs that listed VMs use but that live in other
/// resource groups (a shared networking group is common): they are not in the per-group lists, so they
/// are read by id — only those, at most `concurrency` at once.
///
/// A resource deleted in the meantime (404) is left out (its VM is reported without a NIC); one the
/// identity may not read (403) fails the cycle with a message naming the resource and the permission.
struct CrossGroupResources: Sendable {
    var client: ARMClient
    var subscriptionID: String
    var concurrency: Int

    /// Ids (as written) of the NICs the listed VMs reference that no list returned.
    static func missingNetworkInterfaces(in snapshot: FleetSnapshot) -> [(id: String, usedBy: String)] {
        let listed = Set(snapshot.networkInterfaces.map { $0.id.lowercased() })
        var missing: [(id: String, usedBy: String)] = []
        var seen: Set<String> = []
        for vm in snapshot.virtualMachines {
            for reference in vm.properties?.networkProfile?.networkInterfaces ?? [] {
                guard let id = reference.id, !listed.contains(id.lowercased()), seen.insert(id.lowercased()).inserted else { continue }
                missing.append((id, vm.id))
            }
        }
        return missing
    }

    /// Ids of the public IPs that the listed VMs' NICs reference and that no list returned.
    static func missingPublicIPAddresses(in snapshot: FleetSnapshot) -> [(id: String, usedBy: String)] {
        let listed = Set(snapshot.publicIPAddresses.map { $0.id.lowercased() })
        let machines = Set(snapshot.virtualMachines.map { $0.id.lowercased() })
        var missing: [(id: String, usedBy: String)] = []
        var seen: Set<String> = []
        for nic in snapshot.networkInterfaces {
            guard let machine = nic.properties?.virtualMachine?.key, machines.contains(machine) else { continue }
            for configuration in nic.properties?.ipConfigurations ?? [] {
                guard let reference = configuration.properties?.publicIPAddress, let id = reference.id, let key = reference.key,
                    !listed.contains(key), seen.insert(key).inserted
                else { continue }
                missing.append((id, nic.properties?.virtualMachine?.id ?? machine))
            }
        }
        return missing
    }

    func fetch<Resource: Decodable & Sendable>(
        _ missing: [(id: String, usedBy: String)],
        as type: Resource.Type,
        apiVersion: String,
        permission: String,
        kind: String
    ) async throws -> [Resource] {
        let client = self.client
        let ownSubscription = "/subscriptions/\(subscriptionID)/".lowercased()
        let jobs: [@Sendable () async throws -> Resource?] = missing.compactMap { entry in
            // Only ids of this subscription, and nothing that could climb out of an ARM path.
            guard entry.id.lowercased().hasPrefix(ownSubscription), !entry.id.contains("/../"), !entry.id.contains("?") else { return nil }
            return {
                do {
                    return try await client.get(client.url(path: entry.id, query: [("api-version", apiVersion)]), as: Resource.self)
                } catch let error as AzureProviderError where error.status == 404 {
                    return nil
                } catch let error as AzureProviderError where error.status == 403 {
                    throw AzureProviderError(
                        error.code,
                        "\(error.message). VM \(entry.usedBy) uses \(kind) \(entry.id), which is outside azure.resource_groups; the identity needs \(permission) on it (e.g. Reader on its resource group), or add that group to azure.resource_groups",
                        status: 403
                    )
                }
            }
        }
        return try await runBounded(limit: concurrency, jobs).compactMap { $0 }
    }
}
