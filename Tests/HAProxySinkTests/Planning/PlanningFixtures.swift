import HAProxySink
import ProviderKit

/// Builders shared by the planning tests: instances, services and "HAProxy after applying a plan".
enum Fixture {
    static func endpoint(
        _ number: Int,
        address: String? = nil,
        port: Int = 8080,
        zone: String? = nil,
        tags: [String: String] = [:]
    ) -> Endpoint {
        Endpoint(
            instanceID: instanceID(number),
            instanceName: "vm\(number)",
            address: address ?? "10.0.0.\(number)",
            port: port,
            zone: zone,
            tags: tags
        )
    }

    static func instanceID(_ number: Int) -> InstanceID {
        InstanceID("/subscriptions/s/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm\(number)")
    }

    static func desired(_ numbers: some Sequence<Int>, port: Int = 8080) -> [DesiredServer] {
        numbers.map {
            DesiredServer(instanceID: instanceID($0), instanceName: "vm\($0)", address: "10.0.0.\($0)", port: port)
        }
    }

    static func service(
        _ name: String = "web",
        port: Int = 80,
        region: String = "westeurope",
        _ endpoints: [Endpoint]
    )
        -> DiscoveredService
    {
        DiscoveredService(key: ServiceKey(name: name, port: port, region: region), endpoints: endpoints)
    }

    static func catalog(_ services: DiscoveredService...) -> ServiceCatalog {
        ServiceCatalog(services)
    }

    /// HAProxy's servers after a sink applied `plan`: the planned slots plus the foreign servers left alone.
    static func applied(_ plan: BackendPlan) -> [ServerState] {
        plan.servers + plan.unmanagedServers
    }

    /// HAProxy's managed backends after a sink applied `plan`.
    static func applied(_ plan: ReconcilePlan) -> [String: [ServerState]] {
        Dictionary(uniqueKeysWithValues: plan.backends.map { ($0.backendName, applied($0)) })
    }

    /// Slot name → address:port of the servers that are not in maintenance.
    static func liveSlots(_ servers: [ServerState]) -> [String: String] {
        Dictionary(uniqueKeysWithValues: servers.filter { !$0.maintenance }.map { ($0.name, $0.endpointDescription) })
    }
}
