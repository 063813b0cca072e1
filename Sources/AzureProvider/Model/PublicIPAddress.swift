/// A `Microsoft.Network/publicIPAddresses` resource; `ipAddress` is absent while a dynamic address is
/// unallocated.
struct PublicIPAddress: Decodable, Sendable {
    var id: String
    var properties: Properties?

    struct Properties: Decodable, Sendable {
        var ipAddress: String?
        var publicIPAddressVersion: String?
        var ipConfiguration: SubResource?
    }
}
