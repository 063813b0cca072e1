import AzureProviderTesting
import DataPlaneTesting
import DiscoverydTesting
import Foundation
import HAProxySink
import Synchronization

/// Measures one `discoveryd --once` cycle as a user runs it: the release executable against the fake Azure
/// (ARM + token endpoint over HTTPS, trusted through `azure.ca_file`) with 1,000 VMs and 10 Uniform scale sets
/// of 100 instances, writing into a fresh fake Data Plane API (v3) each run, so every run is a full first sync.
/// The numbers are the child's own (`/usr/bin/time`: peak RSS, user and system CPU, wall); the fakes run in
/// this process and are not counted.
///
/// `swift run -c release OnceCycle [runs] [first-sync|steady]` (default 5 runs, `first-sync`). `steady` measures
/// the cycle after that: each run first fills its fake Data Plane API with an untimed `--once`, then times a
/// second one that finds everything in place (no writes). `DISCOVERYD_BINARY` overrides the executable, which
/// defaults to `.build/release/discoveryd` (dynamically linked); the shipped binary is static
/// (`Scripts/package.sh`), so measure that one too: `DISCOVERYD_BINARY=.build-static/release/discoveryd` after
/// `swift build -c release --product discoveryd --static-swift-stdlib -Xlinker --no-export-dynamic
/// --scratch-path .build-static` (the flags package.sh uses). The requests column counts what the timed run
/// asked of the Data Plane API.
@main
struct OnceCycle {
    struct Sample {
        var peakRSSKiB: Int
        var user: Double
        var system: Double
        var wall: Double
        var cpu: Double { user + system }
    }

    static func main() async throws {
        let runs = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 5
        let steady = CommandLine.arguments.dropFirst(2).first == "steady"
        let binary = ProcessInfo.processInfo.environment["DISCOVERYD_BINARY"]
            ?? DiscoverydExecutable.repositoryRoot.appendingPathComponent(".build/release/discoveryd").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            print("No discoveryd executable at \(binary). Build it first: swift build -c release --product discoveryd")
            exit(2)
        }

        let fleet = FakeFleet.standard(standalone: 1_000, uniform: 10, perScaleSet: 100, flexibleMembers: 0)
        let azure = FakeAzure(fleet: fleet)
        try await azure.start(tls: true)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("discoveryd-once-cycle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let secret = azure.state.withLock { $0.acceptedSecret }

        print("discoveryd --once: \(binary)")
        print("fleet: 1,000 VMs + 10 Uniform scale sets x 100 instances (fake Azure, HTTPS) -> fake Data Plane API v3")
        print(steady ? "mode: steady (the Data Plane API already holds every server)" : "mode: first-sync (a fresh Data Plane API each run)")
        print("run  peak RSS MiB  user s  sys s  cpu s  wall s  servers  requests")
        var samples: [Sample] = []
        for run in 1...runs {
            let api = FakeDataPlaneAPI(apiVersion: .v3)
            let server = try await FakeDataPlaneServer.start(api)
            let config = directory.appendingPathComponent("config.yaml")
            try (azure.discoverydConfigurationSection(clientSecretVariable: "AZURE_CLIENT_SECRET")
                + server.discoverydConfigurationSection(namePrefix: "azure"))
                .write(to: config, atomically: true, encoding: .utf8)
            let environment = ["AZURE_CLIENT_SECRET": secret, "DATAPLANE_PASSWORD": api.password]
            if steady {
                let fill = try await DiscoverydExecutable(url: URL(fileURLWithPath: binary))
                    .run(["--once", "-c", config.path], environment: environment)
                guard fill.status == 0 else {
                    print("run \(run): the untimed first cycle failed with status \(fill.status):\n\(fill.stderr)")
                    exit(1)
                }
            }
            let requestsBefore = api.counters.requests
            let timing = directory.appendingPathComponent("time-\(run)")
            let time = DiscoverydExecutable(url: URL(fileURLWithPath: "/usr/bin/time"))
            let result = try await time.run(
                ["-f", "%M %U %S %e", "-o", timing.path, binary, "--once", "-c", config.path],
                environment: environment
            )
            let requests = api.counters.requests - requestsBefore
            let live = api.servers(in: "azure-web-80-westeurope").filter { !$0.isInMaintenance }.count
            try await server.shutdown()
            guard result.status == 0 else {
                print("run \(run) failed with status \(result.status):\n\(result.stderr)")
                exit(1)
            }
            let fields = try String(contentsOf: timing, encoding: .utf8)
                .split(whereSeparator: \.isWhitespace).suffix(4)
            let values = fields.compactMap { Double($0) }
            guard values.count == 4 else {
                print("Could not read /usr/bin/time output: \(fields)")
                exit(1)
            }
            let sample = Sample(peakRSSKiB: Int(values[0]), user: values[1], system: values[2], wall: values[3])
            samples.append(sample)
            print(Self.row("\(run)", sample) + "  \(live)".padding(toLength: 9, withPad: " ", startingAt: 0) + "  \(requests)")
        }
        await azure.stop()

        let best = Sample(
            peakRSSKiB: samples.map(\.peakRSSKiB).min() ?? 0,
            user: samples.map(\.user).min() ?? 0,
            system: samples.map(\.system).min() ?? 0,
            wall: samples.map(\.wall).min() ?? 0
        )
        let bestCPU = samples.map(\.cpu).min() ?? 0
        print(Self.row("min", best) + "  (each column's lowest)")
        print(String(format: "lowest CPU user+sys of one run: %.2f s", bestCPU))
        let rssTarget = Double(best.peakRSSKiB) / 1024 <= 40 ? "holds" : "misses"
        let cpuTarget = bestCPU <= 0.15 ? "holds" : "misses"
        print("targets: peak RSS <= 40 MiB \(rssTarget); CPU user+sys <= 0.15 s \(cpuTarget)")
    }

    static func row(_ label: String, _ sample: Sample) -> String {
        label.padding(toLength: 4, withPad: " ", startingAt: 0)
            + String(format: "  %12.1f  %6.2f  %5.2f  %5.2f  %6.2f", Double(sample.peakRSSKiB) / 1024,
                     sample.user, sample.system, sample.cpu, sample.wall)
    }
}
