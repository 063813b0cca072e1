import Foundation
import HAProxySink
import ProviderKit
import Testing

/// The reconcile planner hands the slot planner each service's endpoints in place (no copy of every id); the
/// public path builds ``DesiredServer``s first. Over seeded random fleets and several cycles (restarts, drift,
/// duplicates, unmanaged servers, zone weights and bad weight tags) both give the same backend plans.
@Suite("Planner equivalence over random fleets")
struct PlannerEquivalenceTests {
    @Test("endpoints planned in place give exactly the plans of the desired servers they stand for")
    func reconcilePlannerMatchesTheDesiredServerPath() throws {
        var dump = ""
        for seed in UInt64(1)...150 {
            var random = SplitMix64(seed: seed)
            let policy =
                random.next() % 2 == 0
                ? ServerSettingsPolicy()
                : try ServerSettingsPolicy(availabilityZone: "1", azWeightTag: "AZperc")
            let settings = HAProxySinkSettings(serverSettings: policy)
            let planner = ReconcilePlanner(settings: settings)
            var actual: [String: [ServerState]] = [:]
            var previous: [String: [InstanceID: String]] = [:]
            for cycle in 0..<4 {
                let catalog = Self.randomCatalog(&random)
                let plan = planner.plan(catalog: catalog, actual: actual, previousAssignments: previous)
                for backend in plan.backends where !backend.isRetired {
                    let service = try #require(backend.serviceKey.flatMap { catalog.services[$0] })
                    var warnings: [PlanWarning] = []
                    let desired = service.endpoints.map {
                        policy.desiredServer(for: $0, backend: backend.backendName, warnings: &warnings)
                    }
                    var reference = SlotPlanner(
                        backendName: backend.backendName,
                        serviceKey: service.key,
                        actualServers: actual[backend.backendName],
                        desired: desired,
                        previousAssignments: previous[backend.backendName] ?? [:],
                        slotPolicy: settings.slotPolicy,
                        placeholderWeight: policy.weight,
                        drain: DrainInput(policy: settings.drainPolicy)
                    ).plan()
                    reference.warnings = warnings + reference.warnings
                    #expect(backend == reference, "seed \(seed), cycle \(cycle), \(backend.backendName)")
                }
                dump += Self.describe(plan, seed: seed, cycle: cycle)
                // HAProxy after the apply, with some drift; sometimes discoveryd restarts and forgets.
                actual = Fixture.applied(plan)
                for name in actual.keys.sorted() where random.next() % 4 == 0 {
                    var servers = actual[name] ?? []
                    if !servers.isEmpty, random.next() % 2 == 0 {
                        servers.remove(at: Int(random.next() % UInt64(servers.count)))
                    }
                    if !servers.isEmpty {
                        let index = Int(random.next() % UInt64(servers.count))
                        servers[index].maintenance.toggle()
                    }
                    if random.next() % 3 == 0 {
                        servers.append(ServerState(name: "foreign", address: "192.0.2.1", port: 80, weight: 1))
                    }
                    actual[name] = servers
                }
                previous = random.next() % 5 == 0 ? [:] : plan.assignments
            }
        }
        // Set to a path to compare the plans of two builds byte for byte (e.g. before and after a change).
        if let path = ProcessInfo.processInfo.environment["DISCOVERYD_PLAN_DUMP"] {
            try dump.write(toFile: path, atomically: true, encoding: .utf8)
        }
    }

    private static func randomCatalog(_ random: inout SplitMix64) -> ServiceCatalog {
        var services: [DiscoveredService] = []
        for service in 0..<Int(1 + random.next() % 4) {
            var endpoints: [Endpoint] = []
            for _ in 0..<Int(random.next() % 30) {
                let number = Int(random.next() % 60)  // a small pool: ids repeat, sometimes within a service
                let zone = ["1", "2", "3", nil][Int(random.next() % 4)]
                let weightTag = [nil, "30", "bad", "99"][Int(random.next() % 4)]
                endpoints.append(
                    Fixture.endpoint(
                        number,
                        address: "10.0.\(random.next() % 3).\(number)",
                        zone: zone,
                        tags: weightTag.map { ["AZperc": $0] } ?? [:]
                    )
                )
            }
            services.append(Fixture.service("svc\(service)", endpoints))
        }
        return ServiceCatalog(services)
    }

    /// The plan as text, in a stable order (assignments are a dictionary).
    private static func describe(_ plan: ReconcilePlan, seed: UInt64, cycle: Int) -> String {
        var text = "seed \(seed) cycle \(cycle)\n"
        for backend in plan.backends {
            text += "backend \(backend.backendName) new=\(backend.isNewBackend) retired=\(backend.isRetired)\n"
            text += "  servers \(backend.servers)\n  changes \(backend.changes)\n  unmanaged \(backend.unmanagedServers)\n"
            let assignments = backend.assignments.map { "\($0.key.rawValue)=\($0.value)" }.sorted()
            text += "  assignments \(assignments)\n  warnings \(backend.warnings)\n"
        }
        text += "skipped \(plan.skipped)\nwarnings \(plan.warnings)\n"
        return text
    }
}

/// A small seeded generator (SplitMix64), so every run plans the same fleets.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
