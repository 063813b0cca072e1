/// A network interface: `Microsoft.Network/networkInterfaces`, or a Uniform scale-set instance's NIC
/// (same shape, id under `Microsoft.Compute/virtualMachineScaleSets/...`). Only what discovery reads is decoded:
/// a cycle holds every listed NIC until the join (an IP configuration's own id alone was 0.4 MB at 2,000 NICs).
struct NetworkInterface: Decodable, Sendable {
    var id: String
    var properties: Properties?

    struct Properties: Decodable, Sendable {
        var primary: Bool?
        var virtualMachine: SubResource?
        var ipConfigurations: [IPConfiguration]?
    }

    struct IPConfiguration: Decodable, Sendable {
        var properties: IPConfigurationProperties?
    }

    struct IPConfigurationProperties: Decodable, Sendable {
        var primary: Bool?
        /// May be in prefix form (`172.20.2.16/28`) when `privateIPAddressPrefixLength` is set.
        var privateIPAddress: String?
        var privateIPAddressVersion: String?
        /// In list payloads only the id: the address comes from the public IP list.
        var publicIPAddress: SubResource?
    }
}

// In an extension, so that the memberwise initialiser stays. The id goes through the fetch's ``ARMIDTable``.
extension NetworkInterface {
    private enum CodingKeys: String, CodingKey { case id, properties }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = decoder.armID(try container.decode(String.self, forKey: .id))
        properties = try container.decodeIfPresent(Properties.self, forKey: .properties)
    }
}
