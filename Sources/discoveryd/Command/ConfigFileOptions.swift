import ArgumentParser
import DiscoverydCore

/// `-c/--config`, shared by the daemon and `plan`.
struct ConfigFileOptions: ParsableArguments {
    @Option(name: [.short, .customLong("config")], help: "The configuration file.")
    var config = "discoveryd.yaml"

    /// Loads the file, or prints the error to stderr and exits 1.
    func load() throws -> DiscoverydConfiguration {
        do {
            return try ConfigurationLoader().load(path: config)
        } catch {
            StandardError.print("discoveryd: \(error)")
            throw ExitCode.failure
        }
    }
}
