/// A `Microsoft.Compute/virtualMachines` resource as returned by the list operations; also the shape of
/// a Uniform scale set's instances (`virtualMachineScaleSets/{name}/virtualMachines`).
///
/// Only `id` is required: the minimal list payloads carry nothing else. Only what discovery reads is decoded
/// (a cycle holds every listed machine until the join), so e.g. `instanceId` and `provisioningState` are not.
struct VirtualMachine: Decodable, Sendable {
    var id: String
    var name: String?
    var location: String?
    var tags: ARMTags?
    var zones: [String]?
    var properties: Properties?

    struct Properties: Decodable, Sendable {
        var networkProfile: NetworkProfile?
        /// Set on Flexible scale-set members.
        var virtualMachineScaleSet: SubResource?
        /// Present with `statusOnly=true` on the VM list and with `$expand=instanceView` on the
        /// scale-set instance list.
        var instanceView: InstanceView?
        var osProfile: OSProfile?
    }

    struct NetworkProfile: Decodable, Sendable {
        var networkInterfaces: [NetworkInterfaceReference]?
    }

    struct NetworkInterfaceReference: Decodable, Sendable {
        var id: String?
        var properties: ReferenceProperties?

        struct ReferenceProperties: Decodable, Sendable {
            var primary: Bool?
        }
    }

    struct OSProfile: Decodable, Sendable {
        var computerName: String?
    }
}
