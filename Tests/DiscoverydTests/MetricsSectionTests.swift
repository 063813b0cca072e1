import DiscoverydCore
import DiscoverydOperations
import ProviderKit
import Testing

@Suite("metrics: section")
struct MetricsSectionTests {
    static let prefix = "static:\n  path: instances.yaml\nhaproxy:\n  password: pw\n"

    func load(_ yaml: String) throws -> DiscoverydConfiguration {
        try ConfigurationLoader(environment: [:]).load(yaml: Self.prefix + yaml, file: "config.yaml")
    }

    @Test("On by default on loopback; another address; an empty listen turns the listener off")
    func listen() throws {
        #expect(try load("").metrics.settings.metricsListen == ListenAddress(host: "127.0.0.1", port: 9612))
        #expect(try load("metrics:\n  listen: \"[::1]:9700\"\n").metrics.settings.metricsListen == ListenAddress(host: "::1", port: 9700))
        #expect(try load("metrics:\n  listen: \"\"\n").metrics.settings.metricsListen == nil)
    }

    @Test("A listen address without a port is an error naming the key, the line and the fix")
    func badListen() throws {
        let error = try #require(throws: ConfigurationError.self) { try load("metrics:\n  listen: localhost\n") }
        #expect(
            error.description
                == #"config.yaml:6: metrics.listen: invalid value "localhost"; expected host:port (e.g. 127.0.0.1:9612 or [::1]:9612), or "" to turn the listener off"#
        )
        let unknown = try #require(throws: ConfigurationError.self) { try load("metrics:\n  lisen: \":1\"\n") }
        #expect(unknown.description.contains(#"unknown key "metrics.lisen"; did you mean "listen"?"#))
    }
}
