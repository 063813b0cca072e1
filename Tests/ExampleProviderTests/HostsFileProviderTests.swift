import DiscoverydCore
import ExampleProvider
import Foundation
import Logging
import ProviderKit
import ProviderKitTesting
import Testing

/// The README's example provider: it keeps the provider contract and plugs in with one registration line.
@Suite("The example provider (hosts file)")
struct HostsFileProviderTests {
    /// A temporary directory with `fleet.hosts` and a configuration file naming it.
    func withFleet(_ hosts: String, _ body: (URL) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hosts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try hosts.write(to: directory.appendingPathComponent("fleet.hosts"), atomically: true, encoding: .utf8)
        try await body(directory)
    }

    /// The standard kinds plus the example: the one line a new provider adds to `Registry.standard`.
    let registry = Registry(
        providerKinds: Registry.standard.providerKinds + [HostsFileProviderKind.self],
        sinkKinds: Registry.standard.sinkKinds
    )

    func load(_ yaml: String, in directory: URL, requiresSinkSettings: Bool = false) throws -> DiscoverydConfiguration {
        let options = DiscoverydConfiguration.DecodingOptions(registry: registry, requiresSinkSettings: requiresSinkSettings)
        return try ConfigurationLoader(environment: [:], options: options)
            .load(yaml: yaml, file: "config.yaml", directory: directory.path)
    }

    @Test("passes ProviderConformance, including throwing on a broken file")
    func conformance() async throws {
        try await withFleet("10.0.0.4 web-1\n# spare\n10.0.0.5 web-2  # rack 2\n") { directory in
            let configuration = try load("hosts: {path: fleet.hosts, service: web, port: 8080}", in: directory)
            let providers = try DaemonAssembly(configuration: configuration, context: WiringContext(logger: .init(label: "test")))
                .makeProviders()
            let provider = try #require(providers.first)
            let tags = ["HAProxy:Service:Name": "web", "HAProxy:Service:Port": "8080"]
            try await ProviderConformance(
                provider: provider,
                expected: [
                    Instance(id: "web-1", address: "10.0.0.4", region: "local", tags: tags, sourceKind: "hosts"),
                    Instance(id: "web-2", address: "10.0.0.5", region: "local", tags: tags, sourceKind: "hosts"),
                ],
                injectFailure: {
                    try "10.0.0.4 web-1 extra\n".write(
                        to: directory.appendingPathComponent("fleet.hosts"), atomically: true, encoding: .utf8)
                }
            ).run()
        }
    }

    @Test("its section is checked strictly, and the summary and no-provider message include it")
    func configuration() async throws {
        try await withFleet("10.0.0.4 web-1\n") { directory in
            let valid = try load("hosts: {path: fleet.hosts, service: web, port: 8080}", in: directory)
            #expect(valid.summary.hasPrefix("1 hosts file -> HAProxy Data Plane API v2"))

            #expect(throws: ConfigurationError.self) { try load("hosts: {path: fleet.hosts, service: web, prot: 80}", in: directory) }
            do {
                _ = try load("hosts: {path: fleet.hosts, service: web, port: 80, regoin: x}", in: directory)
                Issue.record("a misspelt key loaded")
            } catch {
                #expect("\(error)" == "config.yaml:1: unknown key \"hosts.regoin\"; did you mean \"region\"?")
            }
            do {
                _ = try load("hots: {path: fleet.hosts}", in: directory)
                Issue.record("a misspelt top-level key loaded")
            } catch {
                #expect("\(error)" == "config.yaml:1: unknown key \"hots\"; did you mean \"hosts\"?")
            }
            do {
                _ = try load("tags: {}", in: directory)
                Issue.record("a file without a provider loaded")
            } catch {
                #expect("\(error)".contains("or a \"hosts\" section (path: fleet.hosts, service: web, port: 8080)"))
            }
        }
    }
}
