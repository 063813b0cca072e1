import HAProxySink
import ProviderKit

/// A fleet shaped like a large Azure subscription: `instances` machines spread round-robin over `services`
/// services, in three zones, with full-length ARM resource ids and a few unrelated tags.
struct SyntheticFleet: Sendable {
    var instances: Int
    var services: Int

    /// Scaled down for the short CI run (`DISCOVERYD_BENCHMARK_SMOKE=1`), which only checks the benchmarks
    /// still run: the shape stays, the size shrinks tenfold.
    static let scale = environmentFlag("DISCOVERYD_BENCHMARK_SMOKE") ? 10 : 1

    init(instances: Int, services: Int) {
        self.instances = max(1, instances / Self.scale)
        self.services = min(services, self.instances)
    }

    /// As a provider builds them: each instance's tags decoded as a fresh dictionary, then passed through the
    /// fetch's ``TagInterner`` (as StaticFileProvider, AzureProvider and AWSProvider do), so that machines tagged
    /// alike share one dictionary.
    func makeInstances() -> [Instance] {
        var tagInterner = TagInterner()
        return (0..<instances).map { number in
            let service = number % services
            return Instance(
                id: InstanceID(
                    "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg-bench/providers/"
                        + "microsoft.compute/virtualmachines/vm-\(number)"
                ),
                name: "vm-\(number)",
                address: "10.\(number >> 16 & 255).\(number >> 8 & 255).\(number & 255)",
                region: "westeurope",
                zone: String(number % 3 + 1),
                tags: tagInterner.intern([
                    "HAProxy:Service:Name": "svc-\(service)",
                    "HAProxy:Service:Port": "8080",
                    "environment": "production",
                    "owner": "team-\(service % 7)",
                ]),
                sourceKind: "azure-vm"
            )
        }
    }

    /// What a sink holds after the first plan was applied: HAProxy's servers and the slot assignments.
    struct AppliedState: Sendable {
        var catalog: ServiceCatalog
        var actual: [String: [ServerState]]
        var assignments: [String: [InstanceID: String]]
    }

    func appliedState(planner: ReconcilePlanner) -> AppliedState {
        let grouping = ServiceGrouper().group(makeInstances())
        let first = planner.plan(catalog: grouping.catalog, actual: [:])
        var actual: [String: [ServerState]] = [:]
        for backend in first.backends { actual[backend.backendName] = backend.servers }
        return AppliedState(catalog: grouping.catalog, actual: actual, assignments: first.assignments)
    }
}

func environmentFlag(_ name: String) -> Bool {
    guard let value = getenv(name) else { return false }
    return !["", "0", "false"].contains(String(cString: value))
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
