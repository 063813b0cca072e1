import ArgumentParser
import DiscoverydCore
import Logging
import ProviderKit

extension Discoveryd {
    /// `discoveryd plan`: what a cycle would change, without changing anything.
    struct Plan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the backends, slots and servers a cycle would change, without writing anything."
        )

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case table
            case json
        }

        @OptionGroup var options: ConfigFileOptions

        @Flag(help: "Plan against an empty HAProxy without connecting to it; needs no sink settings.")
        var offline = false

        @Option(help: "Output format: table or json.")
        var format: Format = .table

        func run() async throws {
            let configuration = try options.load(requiresSinkSettings: !offline)
            LoggingBootstrap.bootstrap(configuration.logging)
            let context = LoggerName.wiringContext()
            let changePlan: ChangePlan
            do {
                changePlan = try await DaemonAssembly(configuration: configuration, context: context).plan(offline: offline)
            } catch {
                await context.shutdown.run()
                StandardError.print("discoveryd plan: \(error)")
                throw ExitCode.failure
            }
            await context.shutdown.run()
            switch format {
            case .table:
                print(changePlan.header)
                print(changePlan.plan.text, terminator: "")
            case .json:
                print(try changePlan.plan.json())
            }
        }
    }
}
