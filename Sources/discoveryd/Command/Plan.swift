import ArgumentParser
import DiscoverydCore
import Logging
import ProviderKit

extension Discoveryd {
    /// `discoveryd plan`: what a cycle would change, without changing anything.
    struct Plan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the backends, slots and servers a cycle would change, without writing anything.",
            discussion: "Exits with status 1 when applying the plan now would fail (a backend the sink cannot create)."
        )

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case table
            case json
        }

        @OptionGroup var options: ConfigFileOptions

        @Flag(
            help: """
                Plan without connecting to HAProxy: against an empty one for the Data Plane API, against the \
                backends haproxy.cfg must declare for the Runtime API. Needs no sink settings.
                """
        )
        var offline = false

        @Flag(help: "Plan even when the answer would drain more live servers than safety.max_drain_fraction allows.")
        var allowDrain = false

        @Option(help: "Output format: table or json.")
        var format: Format = .table

        func run() async throws {
            let configuration = try options.load(requiresSinkSettings: !offline)
            LoggingBootstrap.bootstrap(configuration.logging)
            let context = LoggerName.wiringContext()
            let (offline, allowDrain) = (self.offline, self.allowDrain)
            let result = await SignalGuard.runOneShot(forcedExit: {}) {
                try await DaemonAssembly(configuration: configuration, context: context)
                    .plan(offline: offline, allowDrain: allowDrain)
            }
            let changePlan: ChangePlan
            switch result {
            case .success(let plan):
                changePlan = plan
            case .failure(let error):
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
                print(try changePlan.json())
            }
            // The plan is shown either way; the exit status says whether applying it would fail.
            if changePlan.plan.applyWouldFail { throw ExitCode.failure }
        }
    }
}
