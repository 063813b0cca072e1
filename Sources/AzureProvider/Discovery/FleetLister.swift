import Logging
import ProviderKit

/// Reads a subscription's fleet with bulk lists, so the request count does not grow with the number of
/// machines.
///
/// Whole subscription (`azure.resource_groups` empty):
/// 1. VMs (model), VM run-time status (`statusOnly=true`), NICs, scale sets (+ public IPs when wanted),
///    each one subscription-wide list.
///
/// Listed resource groups — no subscription-scope ARM request, so Reader on the groups is enough:
/// 1. VMs, NICs, scale sets (+ public IPs) per group; power states from one Resource Graph query for the
///    groups' VMs (``PowerStateReader``; per-VM instance views only if Resource Graph refuses);
/// 2. NICs and public IPs the VMs use that live in other groups, by id (``CrossGroupResources``).
///
/// Then, either way, for each *tagged* Uniform scale set: its instances with instance view, and its NICs
/// (+ its public IPs when wanted). Flexible members are ordinary VMs and already listed; untagged scale
/// sets cost nothing more.
///
/// Any request that fails after its retries fails the whole snapshot; a 403 names the scope and role.
struct FleetLister: Sendable {
    var client: ARMClient
    var subscriptionID: String
    /// Each group once, whatever its spelling (ARM names are case-insensitive).
    var resourceGroups: [String]
    var wantsPublicAddresses: Bool
    var scaleSetTag: String
    var concurrency: Int
    var powerStates: PowerStateReader

    init(
        client: ARMClient,
        subscriptionID: String,
        resourceGroups: [String],
        wantsPublicAddresses: Bool,
        scaleSetTag: String,
        concurrency: Int,
        logger: Logger
    ) {
        var seen: Set<String> = []
        let groups = resourceGroups.filter { seen.insert($0.lowercased()).inserted }
        self.client = client
        self.subscriptionID = subscriptionID
        self.resourceGroups = groups
        self.wantsPublicAddresses = wantsPublicAddresses
        self.scaleSetTag = scaleSetTag
        self.concurrency = concurrency
        self.powerStates = PowerStateReader(
            client: client, subscriptionID: subscriptionID, resourceGroups: groups, concurrency: concurrency, logger: logger
        )
    }

    private enum Listed: Sendable {
        case virtualMachines([VirtualMachine])
        case statuses([VirtualMachine])
        case resourceGraphRefused(AzureProviderError)
        case networkInterfaces([NetworkInterface])
        case publicIPAddresses([PublicIPAddress])
        case scaleSets([VirtualMachineScaleSet])
    }

    func snapshot() async throws -> FleetSnapshot {
        // One id table per fetch: the lists share their ids, and the table goes when they do.
        var lister = self
        lister.client = client.withIDTable()
        lister.powerStates.client = lister.client
        return try await lister.listAll()
    }

    private func listAll() async throws -> FleetSnapshot {
        var snapshot = FleetSnapshot()
        var refusal: AzureProviderError?
        for listed in try await runBounded(limit: concurrency, bulkJobs()) {
            switch listed {
            case .virtualMachines(let items): snapshot.virtualMachines += items
            case .statuses(let items): snapshot.virtualMachineStatuses += items
            case .resourceGraphRefused(let error): refusal = error
            case .networkInterfaces(let items): snapshot.networkInterfaces += items
            case .publicIPAddresses(let items): snapshot.publicIPAddresses += items
            case .scaleSets(let items): snapshot.scaleSets += items
            }
        }
        if let refusal {
            snapshot.virtualMachineStatuses = try await powerStates.instanceViews(of: snapshot.virtualMachines, refusal: refusal)
        }
        if !resourceGroups.isEmpty {
            try await addResourcesFromOtherGroups(to: &snapshot)
        }
        snapshot.uniformScaleSets = try await uniformScaleSets(of: snapshot.scaleSets)
        return snapshot
    }

    private func bulkJobs() -> [@Sendable () async throws -> Listed] {
        let client = self.client
        let subscriptionID = self.subscriptionID
        var jobs: [@Sendable () async throws -> Listed] = []
        let scopes: [(path: String, scope: PermissionHint.Scope)]
        if resourceGroups.isEmpty {
            let statusEndpoint = ARMPaths.virtualMachineStatuses(subscriptionID: subscriptionID)
            jobs.append {
                try await PermissionHint.checking(
                    action: "Microsoft.Compute/virtualMachines/read", scope: .subscription(subscriptionID)
                ) { .statuses(try await client.list(statusEndpoint, VirtualMachine.self)) }
            }
            scopes = [("/subscriptions/\(subscriptionID)", .subscription(subscriptionID))]
        } else {
            let powerStates = self.powerStates
            jobs.append {
                switch try await powerStates.queryResourceGraph() {
                case .statuses(let statuses): .statuses(statuses)
                case .refused(let error): .resourceGraphRefused(error)
                }
            }
            scopes = resourceGroups.map {
                ("/subscriptions/\(subscriptionID)/resourceGroups/\($0)", .resourceGroup($0, subscriptionID: subscriptionID))
            }
        }
        for (path, scope) in scopes {
            jobs.append {
                try await PermissionHint.checking(action: "Microsoft.Compute/virtualMachines/read", scope: scope) {
                    .virtualMachines(try await client.list(ARMPaths.virtualMachines(in: path), VirtualMachine.self))
                }
            }
            jobs.append {
                try await PermissionHint.checking(action: "Microsoft.Network/networkInterfaces/read", scope: scope) {
                    .networkInterfaces(try await client.list(ARMPaths.networkInterfaces(in: path), NetworkInterface.self))
                }
            }
            jobs.append {
                try await PermissionHint.checking(action: "Microsoft.Compute/virtualMachineScaleSets/read", scope: scope) {
                    .scaleSets(try await client.list(ARMPaths.scaleSets(in: path), VirtualMachineScaleSet.self))
                }
            }
            if wantsPublicAddresses {
                jobs.append {
                    try await PermissionHint.checking(action: "Microsoft.Network/publicIPAddresses/read", scope: scope) {
                        .publicIPAddresses(try await client.list(ARMPaths.publicIPAddresses(in: path), PublicIPAddress.self))
                    }
                }
            }
        }
        return jobs
    }

    private func addResourcesFromOtherGroups(to snapshot: inout FleetSnapshot) async throws {
        let crossGroup = CrossGroupResources(client: client, subscriptionID: subscriptionID, concurrency: concurrency)
        let missingNICs = CrossGroupResources.missingNetworkInterfaces(in: snapshot)
        if !missingNICs.isEmpty {
            snapshot.networkInterfaces += try await crossGroup.fetch(
                missingNICs, as: NetworkInterface.self, apiVersion: ARMPaths.networkAPIVersion,
                permission: "Microsoft.Network/networkInterfaces/read", kind: "network interface"
            )
        }
        guard wantsPublicAddresses else { return }
        let missingPublicIPs = CrossGroupResources.missingPublicIPAddresses(in: snapshot)
        if !missingPublicIPs.isEmpty {
            snapshot.publicIPAddresses += try await crossGroup.fetch(
                missingPublicIPs, as: PublicIPAddress.self, apiVersion: ARMPaths.networkAPIVersion,
                permission: "Microsoft.Network/publicIPAddresses/read", kind: "public IP address"
            )
        }
    }

    private func uniformScaleSets(of scaleSets: [VirtualMachineScaleSet]) async throws -> [UniformScaleSetSnapshot] {
        let client = self.client
        let tag = scaleSetTag
        let uniformTagged = scaleSets.filter {
            $0.orchestrationMode == .uniform && $0.tags?.values.value(forTag: tag) != nil
        }
        let wantsPublic = wantsPublicAddresses
        let uniformJobs: [@Sendable () async throws -> UniformScaleSetSnapshot] = uniformTagged.map { scaleSet in
            {
                try await PermissionHint.checking(
                    action: "Microsoft.Compute/virtualMachineScaleSets/virtualMachines/read", scope: .resource(scaleSet.id)
                ) {
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
        }
        // Each job issues up to three lists at once; keep the total within the limit.
        return try await runBounded(limit: max(1, concurrency / 2), uniformJobs)
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
