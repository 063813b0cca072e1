import ArgumentParser
import DiscoverydCore
import HAProxySink
import DiscoverydOperations
import Foundation
import Logging
import Metrics
import Prometheus
import ProviderKit
import ServiceLifecycle
import UnixSignals

/// The daemon: keeps HAProxy backends in step with the machines the providers see.
@main
struct Discoveryd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "discoveryd",
        abstract: "Keeps HAProxy backends in step with Azure VMs/VMSS or a static instance file.",
        // The subcommand is optional: without one, the daemon runs.
        usage: """
            discoveryd [--config <config>] [--validate [--connect] | --once]
              discoveryd <subcommand> [<options>]
            """,
        discussion: """
            Without a flag, runs until SIGTERM or SIGINT (the current cycle finishes first). \
            SIGHUP asks for a full resync on the next cycle. Logs go to stderr.
            """,
        // No `version:` here: ArgumentParser would list `--version` in every subcommand's help too.
        subcommands: [Plan.self, Adopt.self]
    )

    /// ArgumentParser's entry point, after the one setting that must come before any other thread allocates.
    ///
    /// Synchronous on purpose: an `async` main hands the main thread to Dispatch (`dispatch_main`), which ends
    /// it with `pthread_exit`, and that unwinds the main thread through the executable's unwind tables (the
    /// binary search over `.eh_frame_hdr` faulted about 1 MiB of them into every run). Here the main thread
    /// waits for the command instead. Nothing in discoveryd or its libraries runs on the main actor.
    static func main() {
        ProcessTuning.limitMallocArenas()
        let finished = DispatchSemaphore(value: 0)
        Task.detached {
            await Discoveryd.main(nil)
            finished.signal()
        }
        finished.wait()
    }

    @Flag(help: "Show the version.")
    var version = false

    @OptionGroup var options: ConfigFileOptions

    @Flag(name: .customLong("validate"), help: "Check the configuration file, print a one-line summary and exit.")
    var validateOnly = false

    @Flag(help: "With --validate: also try each provider and the sink once, read-only, one line each.")
    var connect = false

    @Flag(help: "Run one cycle with a full resync and exit; non-zero if anything failed.")
    var once = false

    @Flag(help: "With --once: apply even an answer that would drain more live servers than safety.max_drain_fraction allows.")
    var allowDrain = false

    func validate() throws {
        if validateOnly && once {
            throw ValidationError("--validate and --once cannot be combined")
        }
        if connect && !validateOnly {
            throw ValidationError("--connect goes with --validate: discoveryd --validate --connect -c FILE")
        }
    }

    func run() async throws {
        if version {
            print(DiscoverydVersion.current)
            return
        }
        ProcessTuning.apply()
        let configuration = try options.load()
        if validateOnly {
            try await validateLocally(configuration)
            return
        }

        // Trapped before anything slow, so that an early SIGHUP is queued instead of killing the process.
        let hangups: UnixSignalsSequence? = once ? nil : await UnixSignalsSequence(trapping: .sighup)
        LoggingBootstrap.bootstrap(configuration.logging)
        let context = LoggerName.wiringContext()
        let logger = context.logger
        logger.info("discoveryd \(DiscoverydVersion.current) starting: \(configuration.summary)")
        if once { logger.info("Running single discovery cycle (--once)") }
        let assembly = DaemonAssembly(configuration: configuration, context: context)
        // The daemon has metrics, health and systemd; `--once` is a command and has none of them.
        let operations = once ? nil : Self.makeOperations(configuration.metrics.settings, logger: logger)
        let loop: DiscoveryLoop<ContinuousClock>
        do {
            loop = try operations.map { try assembly.makeLoop(operations: $0) } ?? assembly.makeLoop()
        } catch {
            await context.shutdown.run()
            StandardError.print("discoveryd: \(error)")
            throw ExitCode.failure
        }

        let succeeded: Bool
        if let hangups {
            succeeded = await runUntilStopped(
                loop,
                assembly: assembly,
                hangups: hangups,
                operations: operations,
                logger: logger
            )
        } else {
            succeeded = await runOnce(loop)
        }
        await context.shutdown.run()
        if !succeeded {
            throw ExitCode.failure
        }
    }

    /// Metrics (also the global swift-metrics backend, for what libraries record), health and systemd.
    private static func makeOperations(_ settings: OperationsSettings, logger: Logger) -> DaemonOperations {
        let operations = DaemonOperations(
            settings: settings,
            version: DiscoverydVersion.current,
            environment: ProcessInfo.processInfo.environment,
            logger: logger
        )
        MetricsSystem.bootstrap(DaemonOperations.metricsFactory(registry: operations.registry))
        return operations
    }

    /// `--validate`: the file decoded; now every local file it names is read and checked. One line on
    /// stdout listing what was checked, or each failure on stderr and exit status 1.
    private func validateLocally(_ configuration: DiscoverydConfiguration) async throws {
        let checks = await configuration.checkLocally()
        let failed = checks.filter { $0.outcome == .failed }
        guard failed.isEmpty else {
            for check in failed { StandardError.print("discoveryd: \(options.config): \(check)") }
            throw ExitCode.failure
        }
        var line = "\(options.config): OK: \(configuration.summary)"
        if !checks.isEmpty { line += "; checked " + checks.map(\.description).joined(separator: ", ") }
        print(line)
        guard connect else { return }

        LoggingBootstrap.bootstrap(configuration.logging)
        let context = LoggerName.wiringContext()
        let results = await ConnectionCheck(assembly: DaemonAssembly(configuration: configuration, context: context)).run()
        await context.shutdown.run()
        for result in results { print(result) }
        if results.contains(where: { !$0.succeeded }) { throw ExitCode.failure }
    }

    private func runOnce(_ loop: DiscoveryLoop<ContinuousClock>) async -> Bool {
        let allowDrain = self.allowDrain
        let result = await SignalGuard.runOneShot(forcedExit: { await Self.abandonTransaction(of: loop) }) {
            try await loop.runOnce(allowDrain: allowDrain)
        }
        switch result {
        case .success(let report):
            print(CycleSummary.line(for: report, sinkName: loop.sink.name))
            return true
        case .failure(let error):
            StandardError.print("discoveryd: \(error)")
            return false
        }
    }

    /// Best effort, for an exit that cannot wait: delete the Data Plane transaction an apply has open.
    static func abandonTransaction(of loop: DiscoveryLoop<ContinuousClock>) async {
        await (loop.sink as? DataPlaneSink)?.abandonOpenTransaction()
    }

    /// Until SIGTERM/SIGINT; each SIGHUP asks for a full resync.
    private func runUntilStopped(
        _ loop: DiscoveryLoop<ContinuousClock>,
        assembly: DaemonAssembly,
        hangups: UnixSignalsSequence,
        operations: DaemonOperations?,
        logger: Logger
    ) async -> Bool {
        let watcher = await SignalGuard.boundShutdown(timeout: assembly.pollingPolicy.shutdownTimeout) { reason in
            logger.critical("\(reason)")
            await Self.abandonTransaction(of: loop)
        }
        defer { watcher.cancel() }
        do {
            try await assembly.makeServiceGroup(loop: loop, hangupSignals: hangups, operations: operations).run()
            return true
        } catch {
            // The error once, in the message: a field repeating it would double the line.
            logger.critical("Fatal error: \(error)")
            return false
        }
    }
}
