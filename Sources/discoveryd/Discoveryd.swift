import ArgumentParser
import DiscoverydCore

/// The daemon: keeps HAProxy backends in step with the machines the providers see.
@main
struct Discoveryd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "discoveryd",
        abstract: "Keeps HAProxy backends in step with Azure VMs/VMSS or a static instance file.",
        discussion: """
            Without a flag, runs until SIGTERM or SIGINT (the current cycle finishes first). \
            SIGHUP asks for a full resync on the next cycle.
            """,
        version: DiscoverydVersion.current,
        subcommands: []
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
        StandardError.print("discoveryd: running the loop is not wired yet")
        throw ExitCode.failure
    }
}
