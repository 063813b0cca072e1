// Measures the pure part of a discovery cycle at scale: grouping instances into services and planning
// HAProxy backends, first against an empty HAProxy (everything new) and then against the result of that
// plan (the steady state, a no-op). Run in release mode: `swift run -c release discoveryd-bench`.

import HAProxySink
import ProviderKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

struct Scenario {
    var instances: Int
    var services: Int
}

struct Measurement {
    var scenario: Scenario
    var backends: Int
    var servers: Int
    var group: Timing
    var plan: Timing
    var noOpPlan: Timing
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

/// A wall-clock and a CPU-time reading: on a busy machine the wall clock also counts time spent waiting for
/// a CPU, which this thread's CPU time does not.
struct Timing {
    var wall: Duration
    var cpu: Duration
}

func threadCPUTime() -> Duration {
    var now = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
    return .seconds(now.tv_sec) + .nanoseconds(now.tv_nsec)
}

/// The fastest of `runs` timings: the least disturbed by the other work on the machine.
func fastest<Result>(of runs: Int, _ body: () -> Result) -> (Timing, Result) {
    let clock = ContinuousClock()
    var best = Timing(wall: .seconds(Int64.max), cpu: .seconds(Int64.max))
    var result: Result?
    for _ in 0..<runs {
        result = nil
        let start = clock.now
        let startCPU = threadCPUTime()
        let value = body()
        best.cpu = min(best.cpu, threadCPUTime() - startCPU)
        best.wall = min(best.wall, clock.now - start)
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

/// `discoveryd-bench [instances services]...` runs only the given scenarios.
let numbers = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let scenarios =
    numbers.count >= 2
    ? stride(from: 0, to: numbers.count - 1, by: 2).map { Scenario(instances: numbers[$0], services: numbers[$0 + 1]) }
    : [1_000, 10_000, 100_000].flatMap { instances in
        [10, 100, 1000].map { Scenario(instances: instances, services: $0) }
    }

let clock = ContinuousClock()
let started = clock.now
print(
    "| instances | backends | server slots | group ms | plan ms | no-op plan ms | peak RSS MiB "
        + "| group CPU ms | plan CPU ms | no-op plan CPU ms |"
)
print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for scenario in scenarios {
    let result = measure(scenario, runs: 5)
    let rss = String(Int((result.peakRSSMiB * 10).rounded())).paddedDecimal1
    print(
        "| \(scenario.instances) | \(result.backends) | \(result.servers) | \(milliseconds(result.group.wall)) | "
            + "\(milliseconds(result.plan.wall)) | \(milliseconds(result.noOpPlan.wall)) | \(rss) | "
            + "\(milliseconds(result.group.cpu)) | \(milliseconds(result.plan.cpu)) | "
            + "\(milliseconds(result.noOpPlan.cpu)) |"
    )
}

// Wall-clock timings only mean something on an idle machine: say how busy it was.
var usage = rusage()
#if canImport(Darwin)
    getrusage(RUSAGE_SELF, &usage)
#else
    getrusage(RUSAGE_SELF.rawValue, &usage)
#endif
let cpuSeconds =
    Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
    + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
var load = [Double](repeating: 0, count: 3)
_ = getloadavg(&load, 3)
let wall = clock.now - started
print("")
print(
    "CPU time \(milliseconds(.milliseconds(Int(cpuSeconds * 1000)))) ms over \(milliseconds(wall)) ms wall "
        + "(each timing is the fastest of 5 runs); load average \(load[0])"
)

extension String {
    /// "1234" (tenths) → "123.4".
    var paddedDecimal1: String {
        let digits = count < 2 ? "0" + self : self
        return digits.dropLast(1) + "." + digits.suffix(1)
    }
}
