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

// In extensions, so that the memberwise initialisers stay. Ids go through the fetch's ``ARMIDTable``.
extension VirtualMachine {
    private enum CodingKeys: String, CodingKey { case id, name, location, tags, zones, properties }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = decoder.armID(try container.decode(String.self, forKey: .id))
        name = try container.decodeIfPresent(String.self, forKey: .name)
        location = try container.decodeIfPresent(String.self, forKey: .location)
        tags = try container.decodeIfPresent(ARMTags.self, forKey: .tags)
        zones = try container.decodeIfPresent([String].self, forKey: .zones)
        properties = try container.decodeIfPresent(Properties.self, forKey: .properties)
    }
}

extension VirtualMachine.NetworkInterfaceReference {
    private enum CodingKeys: String, CodingKey { case id, properties }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decodeIfPresent(String.self, forKey: .id).map(decoder.armID)
        properties = try container.decodeIfPresent(ReferenceProperties.self, forKey: .properties)
    }
}
