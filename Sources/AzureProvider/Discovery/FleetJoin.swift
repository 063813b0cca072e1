import ProviderKit

/// Turns a ``FleetSnapshot`` into instances: pure, no I/O.
///
/// Joins on lower-cased ARM ids (ARM ids are case-insensitive). For each machine: the primary NIC
/// (marked primary, or the only one), its primary IPv4 configuration, the private address without a
/// `/prefix` suffix, and the public address through the public IP list. Scale-set tags are merged
/// under the instance's own tags (the instance wins; names compare case-insensitively).
///
/// Every machine is reported, whatever its state; ``Result/notes`` says why one cannot be a server
/// (not running, no address) so the provider can count and log it.
struct FleetJoin: Sendable {
    var addressPreference: AzureProviderConfiguration.AddressPreference

    struct Result: Sendable {
        var instances: [Instance]
        var notes: [Note]
    }

    /// The power state each instance had in the previous successful fetch, by lower-cased id. A machine
    /// missing from this fetch's power-state list keeps its previous state (the list is a separate request
    /// and can lag behind the model list); one never seen with a state is left out until it has one.
    var previousStates: [InstanceID: InstanceState] = [:]

    /// Why a reported instance cannot become a server.
    struct Note: Sendable, Hashable, CustomStringConvertible {
        var instanceID: InstanceID
        var reason: Reason

        enum Reason: Sendable, Hashable, CustomStringConvertible {
            case notRunning(InstanceState)
            case noPowerState
            case noNetworkInterface
            case noPrivateIPv4
            case noPublicIP

            var description: String {
                switch self {
                case .notRunning(let state): "state is \(state)"
                case .noPowerState: "no power state in the status list and none seen before (created during the cycle?); left out until it has one"
                case .noNetworkInterface: "its primary NIC is not in the NIC list"
                case .noPrivateIPv4: "its primary NIC has no private IPv4 address"
                case .noPublicIP: "no public IP address (azure.address is public)"
                }
            }

            /// A short key for counting.
            var category: String {
                switch self {
                case .notRunning(let state): state.rawValue
                case .noPowerState: "no power state"
                case .noNetworkInterface: "no NIC"
                case .noPrivateIPv4: "no private IPv4"
                case .noPublicIP: "no public IP"
                }
            }
        }

        var description: String { "\(instanceID): \(reason)" }
    }

    /// The instances of `snapshot`. Each list is dropped as soon as it has been read: this is a cycle's peak
    /// memory, with every list of the fetch held at once.
    func join(_ snapshot: consuming FleetSnapshot) -> Result {
        var instances: [Instance] = []
        // A Uniform scale set's instances carry its tags, and a service's VMs are usually tagged alike: equal
        // tag sets share one dictionary, and no instance keeps the decoded copies (TagInterner).
        var tagInterner = TagInterner()
        var notes: [Note] = []
        let scaleSetsByID = Dictionary(
            snapshot.scaleSets.map { ($0.id.lowercased(), $0) }, uniquingKeysWith: { first, _ in first }
        )
        let statesByID = Dictionary(
            snapshot.virtualMachineStatuses.compactMap { vm in
                vm.properties?.instanceView?.powerState.map { (vm.id.lowercased(), $0) }
            },
            uniquingKeysWith: { first, _ in first }
        )
        snapshot.virtualMachineStatuses = []
        let network = NetworkIndex(nics: snapshot.networkInterfaces, publicIPs: snapshot.publicIPAddresses)
        snapshot.networkInterfaces = []
        snapshot.publicIPAddresses = []
        let virtualMachines = snapshot.virtualMachines
        snapshot.virtualMachines = []

        for vm in virtualMachines {
            let scaleSet = vm.properties?.virtualMachineScaleSet?.key.flatMap { scaleSetsByID[$0] }
            let isFlexibleMember = vm.properties?.virtualMachineScaleSet?.id != nil
            let lowercasedID = vm.id.lowercased()
            let id = InstanceID(lowercasedID)
            guard let state = statesByID[lowercasedID] ?? previousStates[id] else {
                notes.append(Note(instanceID: id, reason: .noPowerState))
                continue
            }
            let (instance, instanceNotes) = makeInstance(
                vm,
                state: state,
                scaleSet: scaleSet,
                sourceKind: isFlexibleMember ? "azure-vmss-flex" : "azure-vm",
                network: network,
                tagInterner: &tagInterner
            )
            instances.append(instance)
            notes += instanceNotes
        }

        let uniformScaleSets = snapshot.uniformScaleSets
        snapshot.uniformScaleSets = []
        for uniform in uniformScaleSets {
            let network = NetworkIndex(nics: uniform.networkInterfaces, publicIPs: uniform.publicIPAddresses)
            for vm in uniform.instances {
                let (instance, instanceNotes) = makeInstance(
                    vm,
                    state: vm.properties?.instanceView?.powerState,
                    scaleSet: uniform.scaleSet,
                    sourceKind: "azure-vmss-uniform",
                    network: network,
                    tagInterner: &tagInterner
                )
                instances.append(instance)
                notes += instanceNotes
            }
        }
        return Result(instances: instances, notes: notes)
    }

    private func makeInstance(
        _ vm: VirtualMachine,
        state: InstanceState?,
        scaleSet: VirtualMachineScaleSet?,
        sourceKind: String,
        network: NetworkIndex,
        tagInterner: inout TagInterner
    ) -> (Instance, [Note]) {
        let id = InstanceID(vm.id.lowercased())
        var notes: [Note] = []
        let state = state ?? .unknown
        if state == .unknown {
            notes.append(Note(instanceID: id, reason: .noPowerState))
        } else if state != .running {
            notes.append(Note(instanceID: id, reason: .notRunning(state)))
        }

        let addresses = network.addresses(of: vm)
        var address = ""
        switch (addresses, addressPreference) {
        case (.noNetworkInterface, _):
            notes.append(Note(instanceID: id, reason: .noNetworkInterface))
        case (.noPrivateIPv4, _):
            notes.append(Note(instanceID: id, reason: .noPrivateIPv4))
        case (.found(let privateAddress, _), .private):
            address = privateAddress
        case (.found(_, let publicAddress), .public):
            if let publicAddress { address = publicAddress } else { notes.append(Note(instanceID: id, reason: .noPublicIP)) }
        }

        let instance = Instance(
            id: id,
            name: vm.name ?? vm.properties?.osProfile?.computerName ?? vm.id,
            address: address,
            publicAddress: addresses.publicAddress,
            region: vm.location ?? scaleSet?.location ?? "",
            zone: vm.zones?.first ?? nil,
            tags: tagInterner.intern((vm.tags?.values ?? [:]).inheriting(from: scaleSet?.tags?.values ?? [:])),
            state: state,
            sourceKind: sourceKind
        )
        return (instance, notes)
    }
}
