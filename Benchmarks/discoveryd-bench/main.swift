// Measures the pure part of a discovery cycle at scale: grouping instances into services and planning
// HAProxy backends, first against an empty HAProxy (everything new) and then against the result of that
// plan (the steady state, a no-op). Run in release mode: `swift run -c release discoveryd-bench`.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import HAProxySink
import ProviderKit

struct Scenario {
    var instances: Int
    var services: Int
}

struct Measurement {
    var scenario: Scenario
    var backends: Int
    var servers: Int
    var group: Duration
    var plan: Duration
    var noOpPlan: Duration
    var peakRSSMiB: Double
}

/// Instances spread round-robin over `services` services, in three zones, with a few unrelated tags
/// like real subscriptions have.
func syntheticInstances(_ scenario: Scenario) -> [Instance] {
    (0..<scenario.instances).map { number in
        let service = number % scenario.services
        return Instance(
            id: InstanceID(
                "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg-bench/providers/"
                    + "microsoft.compute/virtualmachines/vm-\(number)"
            ),
            name: "vm-\(number)",
            address: "10.\(number >> 16 & 255).\(number >> 8 & 255).\(number & 255)",
            region: "westeurope",
            zone: String(number % 3 + 1),
            tags: [
                "HAProxy:Service:Name": "svc-\(service)",
                "HAProxy:Service:Port": "8080",
                "environment": "production",
                "owner": "team-\(service % 7)",
            ],
            sourceKind: "azure-vm"
        )
    }
}

/// The fastest of `runs` timings: the least disturbed by the other work on the machine.
func fastest<Result>(of runs: Int, _ body: () -> Result) -> (Duration, Result) {
    let clock = ContinuousClock()
    var best = Duration.seconds(Int64.max)
    var result: Result?
    for _ in 0..<runs {
        let start = clock.now
        let value = body()
        best = min(best, clock.now - start)
        result = value
    }
    return (best, result!)
}

func peakRSSMiB() -> Double {
    var usage = rusage()
    #if canImport(Darwin)
    getrusage(RUSAGE_SELF, &usage)
    return Double(usage.ru_maxrss) / 1_048_576  // bytes
    #else
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024  // KiB
    #endif
}

func milliseconds(_ duration: Duration) -> String {
    let (seconds, attoseconds) = duration.components
    let value = Double(seconds) * 1000 + Double(attoseconds) / 1e15
    return String(Int((value * 100).rounded())).paddedDecimal
}

extension String {
    /// "1234" (hundredths) → "12.34".
    var paddedDecimal: String {
        let digits = count < 3 ? String(repeating: "0", count: 3 - count) + self : self
        return digits.dropLast(2) + "." + digits.suffix(2)
    }
}

func measure(_ scenario: Scenario, runs: Int) -> Measurement {
    let instances = syntheticInstances(scenario)
    let grouper = ServiceGrouper()
    let planner = ReconcilePlanner(settings: HAProxySinkSettings())

    let (groupTime, grouping) = fastest(of: runs) { grouper.group(instances) }
    precondition(grouping.skipped.isEmpty && grouping.catalog.endpointCount == scenario.instances)

    let (planTime, first) = fastest(of: runs) { planner.plan(catalog: grouping.catalog, actual: [:]) }
    precondition(first.counts.newBackends == scenario.services && first.counts.slotsUsed == scenario.instances)

    var actual: [String: [ServerState]] = [:]
    for backend in first.backends { actual[backend.backendName] = backend.servers }
    let assignments = first.assignments
    let (noOpTime, second) = fastest(of: runs) {
        planner.plan(catalog: grouping.catalog, actual: actual, previousAssignments: assignments)
    }
    precondition(second.isNoOp, "the steady-state plan must change nothing")

    return Measurement(
        scenario: scenario,
        backends: first.backends.count,
        servers: first.counts.slotsTotal,
        group: groupTime,
        plan: planTime,
        noOpPlan: noOpTime,
        peakRSSMiB: peakRSSMiB()
    )
}

let scenarios = [1_000, 10_000, 100_000].flatMap { instances in
    [10, 100, 1000].map { Scenario(instances: instances, services: $0) }
}

print("| instances | backends | server slots | group ms | plan ms | no-op plan ms | peak RSS MiB |")
print("|---:|---:|---:|---:|---:|---:|---:|")
for scenario in scenarios {
    let result = measure(scenario, runs: 5)
    let rss = String(Int((result.peakRSSMiB * 10).rounded())).paddedDecimal1
    print(
        "| \(scenario.instances) | \(result.backends) | \(result.servers) | \(milliseconds(result.group)) | "
            + "\(milliseconds(result.plan)) | \(milliseconds(result.noOpPlan)) | \(rss) |"
    )
}

extension String {
    /// "1234" (tenths) → "123.4".
    var paddedDecimal1: String {
        let digits = count < 2 ? "0" + self : self
        return digits.dropLast(1) + "." + digits.suffix(1)
    }
}
