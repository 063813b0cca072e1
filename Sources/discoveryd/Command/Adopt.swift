import ArgumentParser
import DiscoverydCore
import HAProxySink
import ProviderKit

extension Discoveryd {
    /// `discoveryd adopt`: take over the backends another tool (the Python daemon) made with the same naming
    /// scheme, without moving a server.
    struct Adopt: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mark the backends the Python daemon created as discoveryd's, without moving a server.",
            discussion: """
                Lists the Data Plane API backends named <prefix>-<service>-<port>-<region> that carry no \
                discoveryd marker, shows what adopting changes (the marker as description; free slots in \
                discoveryd's format; live servers stay as they are) and writes it in one transaction. Stop the \
                Python daemon first.
                """
        )

        @OptionGroup var options: ConfigFileOptions

        @Flag(help: "Show what adopting would change without writing anything.")
        var dryRun = false

        func run() async throws {
            let configuration = try options.load()
            LoggingBootstrap.bootstrap(configuration.logging)
            let context = LoggerName.wiringContext()
            do {
                let adopter = try DaemonAssembly(configuration: configuration, context: context).makeAdopter()
                let plan = try await adopter.plan()
                print(plan.text(naming: adopter.settings.naming), terminator: "")
                if plan.isEmpty {
                    // Nothing to write.
                } else if dryRun {
                    print("dry run: nothing was changed; run without --dry-run to adopt")
                } else {
                    let reloaded = try await adopter.adopt(plan)
                    print(
                        "adopted \(plan.backends.count) backend\(plan.backends.count == 1 ? "" : "s") in one "
                            + "transaction (\(reloaded ? 1 : 0) reload); start discoveryd now"
                    )
                }
            } catch {
                await context.shutdown.run()
                StandardError.print("discoveryd adopt: \(error)")
                throw ExitCode.failure
            }
            await context.shutdown.run()
        }
    }
}
