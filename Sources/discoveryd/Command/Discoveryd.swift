import ArgumentParser
import DiscoverydCore
import Logging
import ProviderKit
import ServiceLifecycle
import UnixSignals

/// The daemon: keeps HAProxy backends in step with the machines the providers see.
@main
struct Discoveryd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "discoveryd",
        abstract: "Keeps HAProxy backends in step with Azure VMs/VMSS or a static instance file.",
        discussion: """
            Without a flag, runs until SIGTERM or SIGINT (the current cycle finishes first). \
            SIGHUP asks for a full resync on the next cycle. Logs go to stderr.
            """,
        version: DiscoverydVersion.current,
        subcommands: [Plan.self, Adopt.self]
    )

    @OptionGroup var options: ConfigFileOptions

    @Flag(name: .customLong("validate"), help: "Check the configuration file, print a one-line summary and exit.")
    var validateOnly = false

    @Flag(help: "Run one cycle with a full resync and exit; non-zero if anything failed.")
    var once = false

    func validate() throws {
        if validateOnly && once {
            throw ValidationError("--validate and --once cannot be combined")
        }
    }

    func run() async throws {
        let configuration = try options.load()
        if validateOnly {
            print("\(options.config): OK: \(configuration.summary)")
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
        let loop: DiscoveryLoop<ContinuousClock>
        do {
            loop = try assembly.makeLoop()
        } catch {
            await context.shutdown.run()
            StandardError.print("discoveryd: \(error)")
            throw ExitCode.failure
        }

        let succeeded: Bool
        if let hangups {
            succeeded = await runUntilStopped(loop, assembly: assembly, hangups: hangups, logger: logger)
        } else {
            succeeded = await runOnce(loop)
        }
        await context.shutdown.run()
        if !succeeded {
            throw ExitCode.failure
        }
    }

    private func runOnce(_ loop: DiscoveryLoop<ContinuousClock>) async -> Bool {
        do {
            let report = try await loop.runOnce()
            print(CycleSummary.line(for: report, sinkName: loop.sink.name))
            return true
        } catch {
            StandardError.print("discoveryd: \(error)")
            return false
        }
    }

    /// Until SIGTERM/SIGINT; each SIGHUP asks for a full resync.
    private func runUntilStopped(
        _ loop: DiscoveryLoop<ContinuousClock>,
        assembly: DaemonAssembly,
        hangups: UnixSignalsSequence,
        logger: Logger
    ) async -> Bool {
        do {
            try await assembly.makeServiceGroup(loop: loop, hangupSignals: hangups).run()
            return true
        } catch {
            logger.critical("Fatal error: \(error)", metadata: ["error": "\(error)"])
            return false
        }
    }
}
