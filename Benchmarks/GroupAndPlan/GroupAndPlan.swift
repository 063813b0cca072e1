// The pure part of a discovery cycle at scale: grouping instances into services and planning HAProxy backends,
// first against an empty HAProxy (everything new) and then against the result of that plan (the steady state,
// a no-op); and a long loop's memory. Run with `swift package benchmark` (release build); check the targets with
// `swift package benchmark thresholds check` (Thresholds/*.p90.json hold them).

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
        maxIterations: smoke ? 1 : 15,
        thresholds: targetTolerances
    )

    /// Group + first plan, the instances made outside the measurement (a provider hands them over).
    func groupAndFirstPlan(_ fleet: SyntheticFleet) {
        Benchmark("group-and-first-plan-\(fleet.instances)-into-\(fleet.services)") { benchmark, instances in
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

    groupAndFirstPlan(SyntheticFleet(instances: 100_000, services: 1_000))
    groupAndFirstPlan(SyntheticFleet(instances: 10_000, services: 1_000))
    groupAndFirstPlan(SyntheticFleet(instances: 100_000, services: 10))

    let steady = SyntheticFleet(instances: 100_000, services: 1_000)
    Benchmark("no-op-plan-\(steady.instances)-in-\(steady.services)") { benchmark, applied in
        let planner = ReconcilePlanner(settings: HAProxySinkSettings())
        for _ in benchmark.scaledIterations {
            let plan = planner.plan(catalog: applied.catalog, actual: applied.actual, previousAssignments: applied.assignments)
            precondition(plan.isNoOp, "the steady-state plan must change nothing")
            blackHole(plan)
        }
    } setup: {
        steady.appliedState(planner: ReconcilePlanner(settings: HAProxySinkSettings()))
    }

    steadyMemoryBenchmark(cycles: smoke ? 20 : 1_000, instances: 1_000)
}

/// How far a run's p90 may exceed the committed thresholds (Thresholds/*.p90.json, which hold the targets)
/// before `thresholds check` reports it as worse: a clear margin, so that noise on a shared machine does not fail
/// it. A run that beats every threshold by more than the margin is reported as better, which is a pass.
var targetTolerances: [BenchmarkMetric: BenchmarkThresholds] {
    [
        .wallClock: .init(relative: [.p90: 20]),
        .peakMemoryResident: .init(relative: [.p90: 10]),
    ]
}
