// The pure part of a discovery cycle at scale: grouping instances into services and planning HAProxy backends,
// first against an empty HAProxy (everything new) and then against the result of that plan (the steady state,
// a no-op). Run with `swift package benchmark` (release build); thresholds with
// `swift package benchmark thresholds check`.

import Benchmark
import HAProxySink
import ProviderKit

let benchmarks: @Sendable () -> Void = {
    let smoke = SyntheticFleet.scale > 1
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident],
        timeUnits: .milliseconds,
        warmupIterations: smoke ? 0 : 1,
        maxDuration: .seconds(smoke ? 1 : 10),
        maxIterations: smoke ? 1 : 15
    )

    /// Group + first plan, the instances made outside the measurement (a provider hands them over).
    func groupAndFirstPlan(_ fleet: SyntheticFleet, thresholds: [BenchmarkMetric: BenchmarkThresholds]) {
        var configuration = Benchmark.defaultConfiguration
        configuration.thresholds = thresholds
        Benchmark(
            "Group + first plan: \(fleet.instances) instances into \(fleet.services) backends",
            configuration: configuration
        ) { benchmark, instances in
            let planner = ReconcilePlanner(settings: HAProxySinkSettings())
            for _ in benchmark.scaledIterations {
                let grouping = ServiceGrouper().group(instances)
                let plan = planner.plan(catalog: grouping.catalog, actual: [:])
                precondition(plan.counts.slotsUsed == fleet.instances, "every instance must get a slot")
                blackHole(plan)
            }
        } setup: {
            fleet.makeInstances()
        }
    }

    groupAndFirstPlan(SyntheticFleet(instances: 100_000, services: 1_000), thresholds: absoluteTolerances)
    groupAndFirstPlan(SyntheticFleet(instances: 10_000, services: 1_000), thresholds: absoluteTolerances)
    groupAndFirstPlan(SyntheticFleet(instances: 100_000, services: 10), thresholds: absoluteTolerances)

    let steady = SyntheticFleet(instances: 100_000, services: 1_000)
    var noOpConfiguration = Benchmark.defaultConfiguration
    noOpConfiguration.thresholds = absoluteTolerances
    Benchmark(
        "No-op plan: \(steady.instances) instances in \(steady.services) backends",
        configuration: noOpConfiguration
    ) { benchmark, applied in
        let planner = ReconcilePlanner(settings: HAProxySinkSettings())
        for _ in benchmark.scaledIterations {
            let plan = planner.plan(catalog: applied.catalog, actual: applied.actual, previousAssignments: applied.assignments)
            precondition(plan.isNoOp, "the steady-state plan must change nothing")
            blackHole(plan)
        }
    } setup: {
        steady.appliedState(planner: ReconcilePlanner(settings: HAProxySinkSettings()))
    }
}

/// How far a run may exceed the committed thresholds (Thresholds/*.p90.json, which hold the targets)
/// before `thresholds check` fails: none, since the files hold the targets themselves.
var absoluteTolerances: [BenchmarkMetric: BenchmarkThresholds] {
    [
        .wallClock: .init(absolute: [.p90: 0]),
        .peakMemoryResident: .init(absolute: [.p90: 0]),
    ]
}
