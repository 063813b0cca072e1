// A long-running loop must hold steady memory (issue 14): 1,000 discovery cycles over a 1,000-instance static
// fixture, measured as the growth of the process's resident memory from cycle 10 to cycle 1,000.

import Benchmark
import Foundation
import HAProxySink
import Logging
import ProviderKit
import StaticFileProvider

/// Resident memory growth over a long loop, as custom metrics (KiB), next to the usual ones.
func steadyMemoryBenchmark(cycles: Int, instances: Int) {
    var configuration = Benchmark.defaultConfiguration
    configuration.metrics = [.wallClock, .cpuTotal, .peakMemoryResident, SteadyMemory.growth, SteadyMemory.atCycle10]
    configuration.warmupIterations = 0
    configuration.maxIterations = 1
    configuration.thresholds = [SteadyMemory.growth: .init(absolute: [.p90: 0])]
    Benchmark(
        "steady-memory-\(cycles)-cycles-over-\(instances)-static-instances",
        configuration: configuration
    ) { benchmark, fixture in
        do {
            let loop = try DiscoveryLoop(
                providers: [StaticFileProvider(path: fixture.path, logger: SteadyMemory.logger)],
                sink: SimulatedHAProxySink(),
                clock: ContinuousClock(),
                logger: SteadyMemory.logger
            )
            var atCycle10 = 0
            for cycle in 1...cycles {
                _ = try await loop.runOnce()
                if cycle == 10 { atCycle10 = SteadyMemory.residentKiB() }
            }
            benchmark.measurement(SteadyMemory.atCycle10, atCycle10)
            benchmark.measurement(SteadyMemory.growth, max(0, SteadyMemory.residentKiB() - atCycle10))
        } catch {
            fatalError("a cycle failed: \(error)")
        }
    } setup: {
        try SteadyMemory.Fixture(instances: instances)
    }
}

enum SteadyMemory {
    static let growth = BenchmarkMetric.custom("rssGrowthAfterCycle10KiB")
    static let atCycle10 = BenchmarkMetric.custom("rssAtCycle10KiB")
    static let logger = Logger(label: "discoveryd.benchmark") { _ in SwiftLogNoOpLogHandler() }

    /// The resident set size now, from /proc/self/statm (Linux); 0 elsewhere.
    static func residentKiB() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE))) / 1024
    }

    /// A JSON inventory of `instances` machines in 100-instance services, in a temporary file.
    struct Fixture: Sendable {
        var path: String

        init(instances: Int) throws {
            let fleet = SyntheticFleet(instances: instances, services: max(1, instances / 100))
            var lines: [String] = []
            for instance in fleet.makeInstances() {
                let tags = instance.tags.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \"\($0.value)\"" }
                lines.append(
                    "{\"id\": \"\(instance.id)\", \"name\": \"\(instance.name)\", \"address\": \"\(instance.address)\", "
                        + "\"region\": \"\(instance.region)\", \"zone\": \"\(instance.zone ?? "1")\", "
                        + "\"tags\": {\(tags.joined(separator: ", "))}}"
                )
            }
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("discoveryd-bench-\(getpid())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            path = directory.appendingPathComponent("instances.json").path
            try Data(("{\"instances\": [\n" + lines.joined(separator: ",\n") + "\n]}\n").utf8).write(to: URL(fileURLWithPath: path))
        }
    }
}

/// Stands in for an HAProxy sink: it plans every catalog against the servers it "has" and keeps the result
/// and the assignments, as the Runtime API and Data Plane sinks do between cycles.
actor SimulatedHAProxySink: Sink {
    nonisolated let name = "simulated-haproxy"
    private let planner = ReconcilePlanner(settings: HAProxySinkSettings())
    private var servers: [String: [ServerState]] = [:]
    private var assignments: [String: [InstanceID: String]] = [:]

    func apply(_ catalog: ServiceCatalog, options: ApplyOptions) async throws -> SinkReport {
        let plan = planner.plan(
            catalog: catalog, actual: servers, previousAssignments: options.fullResync ? [:] : assignments
        )
        for backend in plan.backends { servers[backend.backendName] = backend.servers }
        assignments = plan.assignments
        return SinkReport(
            serversChanged: plan.counts.serversChanged,
            runtimeChanges: plan.counts.runtimeChanges,
            structuralChanges: plan.counts.structuralChanges
        )
    }
}
