import ProviderKit

/// A running instance with the service tags the default ``TagNames`` look for.
func taggedInstance(
    _ id: String,
    service: String = "web",
    port: String = "80",
    instancePort: String? = nil,
    address: String = "10.0.0.1",
    region: String = "westeurope",
    state: InstanceState = .running,
    extraTags: [String: String] = [:]
) -> Instance {
    var tags = ["HAProxy:Service:Name": service, "HAProxy:Service:Port": port]
    if let instancePort { tags["HAProxy:Instance:Port"] = instancePort }
    tags.merge(extraTags) { _, extra in extra }
    return Instance(id: InstanceID(id), address: address, region: region, tags: tags, state: state, sourceKind: "test")
}

extension ServiceCatalog {
    /// Endpoint addresses per service, for compact expectations.
    var addressesByService: [String: [String]] {
        Dictionary(uniqueKeysWithValues: sorted.map { ("\($0.key)", $0.endpoints.map { "\($0.address):\($0.port)" }) })
    }
}
