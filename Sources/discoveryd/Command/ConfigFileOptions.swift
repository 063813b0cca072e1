import ArgumentParser
import DiscoverydCore

/// `-c/--config`, shared by the daemon and `plan`.
struct ConfigFileOptions: ParsableArguments {
    @Option(name: [.short, .customLong("config")], help: "The configuration file.")
    var config = "discoveryd.yaml"

    /// Loads the file, or prints the error to stderr and exits 1.
    /// - Parameter requiresSinkSettings: `false` when no sink is built (`plan --offline`).
    func load(requiresSinkSettings: Bool = true) throws -> DiscoverydConfiguration {
        do {
            let options = DiscoverydConfiguration.DecodingOptions(requiresSinkSettings: requiresSinkSettings)
            return try ConfigurationLoader(options: options).load(path: config)
        } catch {
            StandardError.print("discoveryd: \(error)")
            throw ExitCode.failure
        }
    }
}
