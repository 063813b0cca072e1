/// A network interface: `Microsoft.Network/networkInterfaces`, or a Uniform scale-set instance's NIC
/// (same shape, id under `Microsoft.Compute/virtualMachineScaleSets/...`).
struct NetworkInterface: Decodable, Sendable {
    var id: String
    var name: String?
    var properties: Properties?

    struct Properties: Decodable, Sendable {
        var primary: Bool?
        var virtualMachine: SubResource?
        var ipConfigurations: [IPConfiguration]?
    }

    struct IPConfiguration: Decodable, Sendable {
        var id: String?
        var name: String?
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
