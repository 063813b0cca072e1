import Foundation
import HAProxySink
import HAProxyTesting
import ProviderKit
import Testing

/// Issue 9's Runtime API cases against a real HAProxy 2.6: only what is ours is written, nothing unchecked
/// is sent, an error answer is an error, and one broken backend breaks one service. In the end-to-end suite
/// (an extension of it), so that `.ci/run` runs them against the real HAProxy.
extension RealHAProxyRuntimeSinkTests {
    static let demoNaming = try! BackendNaming(prefix: "demo")

    /// A real HAProxy with `demo-web-8080-e2e` (ten slots), the hand-written `demo-manual` (two live servers,
    /// `srv1` and `srv2`) and `demo-web-8081-e2e` (a scheme name, but a hand-written `web1` server).
    static func withDemoHAProxy(
        _ body: (HAProxyProcess, [NameHTTPServer]) async throws -> Void
    ) async throws {
        try await withRealHAProxy(
            backends: [.init("demo-web-8080-e2e", slots: 10)],
            servers: NameHTTPServer.numbered("web", 1...3, firstHost: 31),
            extraConfiguration: { web in
                """

                backend demo-manual
                    server srv1 \(web[0].host):\(web[0].port)
                    server srv2 \(web[1].host):\(web[1].port)

                backend demo-web-8081-e2e
                    server web1 \(web[2].host):\(web[2].port)

                """
            }
        ) { lab in
            try await body(lab.haproxy, lab.servers)
        }
    }

    static func service(_ name: String, port: Int, _ endpoints: [(id: String, address: String, port: Int)]) -> DiscoveredService {
        DiscoveredService(
            key: ServiceKey(name: name, port: port, region: "e2e"),
            endpoints: endpoints.map { Endpoint(instanceID: InstanceID($0.id), instanceName: $0.id, address: $0.address, port: $0.port) }
        )
    }

    /// Seen: `demo-manual` (prefix `demo`) had both live servers put in maintenance at 127.0.0.1:80 and
    /// slots srv3..srv10 added. Also: a backend with a name the scheme produces but a hand-written server.
    @Test func handWrittenBackendsWithThePrefixAreNeverWritten() async throws {
        try await Self.withDemoHAProxy { haproxy, web in
            let manualBefore = try await haproxy.activeSlots(backend: "demo-manual")
            let foreignBefore = try await haproxy.activeSlots(backend: "demo-web-8081-e2e")
            #expect(manualBefore.count == 2)
            let sink = RuntimeAPISink(client: haproxy.runtime, settings: HAProxySinkSettings(naming: Self.demoNaming))

            let catalog = ServiceCatalog([Self.service("web", port: 8080, [("a", web[2].host, web[2].port)])])
            let report = try await sink.apply(catalog, options: ApplyOptions(fullResync: true))
            #expect(report.failures.isEmpty)

            #expect(try await haproxy.activeSlots(backend: "demo-manual") == manualBefore)
            #expect(try await haproxy.activeSlots(backend: "demo-web-8081-e2e") == foreignBefore)
            let manualServers = try ServersStateParser.parse(try await haproxy.runtime.query(.showServersState))
                .filter { $0.backendName == "demo-manual" }
            #expect(manualServers.map(\.serverName) == ["srv1", "srv2"], "no slot was added")
            #expect(try await haproxy.activeSlots(backend: "demo-web-8080-e2e") == ["srv1": "\(web[2].host):\(web[2].port)"])
        }
    }

    /// `haproxy.runtime_backends` states the set: only listed backends are written, even scheme-named ones.
    @Test func runtimeBackendsListStatesTheSetExplicitly() async throws {
        try await Self.withDemoHAProxy { haproxy, web in
            var settings = HAProxySinkSettings(naming: Self.demoNaming)
            settings.runtimeOwnership = RuntimeBackendOwnership(patterns: ["demo-api-*"])
            let sink = RuntimeAPISink(client: haproxy.runtime, settings: settings)
            let catalog = ServiceCatalog([Self.service("web", port: 8080, [("a", web[0].host, web[0].port)])])
            let report = try await sink.apply(catalog, options: ApplyOptions(fullResync: true))
            #expect(report.failures.map(\.target) == ["demo-web-8080-e2e"])
            #expect(report.failures.first?.message.contains("haproxy.runtime_backends") == true)
            #expect(try await haproxy.activeSlots(backend: "demo-web-8080-e2e").isEmpty)
        }
    }

    /// Seen: one backend missing from haproxy.cfg failed every cycle for every service. Now the others are
    /// applied in the same apply, and the missing one is a failure naming the haproxy.cfg lines to add.
    @Test func aMissingBackendBreaksOnlyItsService() async throws {
        try await Self.withDemoHAProxy { haproxy, web in
            let sink = RuntimeAPISink(client: haproxy.runtime, settings: HAProxySinkSettings(naming: Self.demoNaming))
            let catalog = ServiceCatalog([
                Self.service("web", port: 8080, [("a", web[0].host, web[0].port)]),
                Self.service("api", port: 9090, [("b", web[1].host, web[1].port)]),
            ])
            let report = try await sink.apply(catalog, options: ApplyOptions(fullResync: true))
            #expect(try await haproxy.activeSlots(backend: "demo-web-8080-e2e") == ["srv1": "\(web[0].host):\(web[0].port)"])
            let failure = try #require(report.failures.first)
            #expect(report.failures.count == 1)
            #expect(failure.target == "demo-api-9090-e2e")
            #expect(failure.description.contains("demo-api-9090-e2e (service api:9090@e2e): HAProxy has no such backend"))
            #expect(failure.details?.contains("backend demo-api-9090-e2e") == true)
            #expect(failure.details?.contains("server-template srv 10 127.0.0.1:80 disabled check") == true)
        }
    }

    /// Seen: an address with a NUL (`"127.0.0.50\u{0} port 22"`) reached HAProxy, which put the server on
    /// port 22. The grouper skips such instances; the client refuses such arguments as a second line.
    @Test func anArgumentWithANulOrBlankIsNeverSent() async throws {
        try await Self.withDemoHAProxy { haproxy, web in
            let sink = RuntimeAPISink(client: haproxy.runtime, settings: HAProxySinkSettings(naming: Self.demoNaming))
            let catalog = ServiceCatalog([
                Self.service("web", port: 8080, [("forged", "127.0.0.50\u{0} port 22", 8080), ("good", web[0].host, web[0].port)]),
            ])
            let report = try await sink.apply(catalog, options: ApplyOptions(fullResync: true))
            #expect(report.failures.map(\.target) == ["demo-web-8080-e2e"])
            let active = try await haproxy.activeSlots(backend: "demo-web-8080-e2e")
            #expect(!active.values.contains { $0.hasPrefix("127.0.0.50") }, "the forged address never reached HAProxy")
            #expect(active.values.contains("\(web[0].host):\(web[0].port)"), "the other instance is served")
        }
    }

    /// Seen: `IP changed from … to '…', problem converting port 'abc'` was counted as success.
    @Test func anAnswerThatGoesOnWithAnErrorIsAFailure() async throws {
        try await Self.withDemoHAProxy { haproxy, _ in
            let command = RuntimeCommand(
                words: ["set", "server", "demo-web-8080-e2e/srv1", "addr", "127.0.0.5", "port", "abc"],
                acceptance: .addressChanged
            )
            let error = try await #require(throws: RuntimeAPIError.self) { try await haproxy.runtime.run([command]) }
            #expect(error.code == .commandRejected)
            #expect(error.message.contains("problem converting port"))

            // The successful answers HAProxy 2.6 gives are accepted.
            try await haproxy.runtime.run([.setAddress(backend: "demo-web-8080-e2e", server: "srv2", address: "127.0.0.6", port: 81)])
            try await haproxy.runtime.run([.setAddress(backend: "demo-web-8080-e2e", server: "srv2", address: "127.0.0.6", port: 81)])
        }
    }

    /// When `set server … addr` fails, `set server … state ready` for that slot is not sent.
    @Test func dependentCommandsAreNotSentAfterAFailedOne() async throws {
        try await Self.withDemoHAProxy { haproxy, web in
            let backend = "demo-web-8080-e2e"
            let failures = try await haproxy.runtime.run(chains: [
                [
                    .setAddress(backend: backend, server: "srv1", address: "127.0.0.256", port: 80),
                    .setState(backend: backend, server: "srv1", .ready),
                ],
                [
                    .setAddress(backend: backend, server: "srv2", address: web[0].host, port: web[0].port),
                    .setState(backend: backend, server: "srv2", .ready),
                ],
            ])
            #expect(Array(failures.keys) == [0])
            #expect(failures[0]?.message.contains("Invalid addr") == true)
            #expect(try await haproxy.activeSlots(backend: backend) == ["srv2": "\(web[0].host):\(web[0].port)"])
        }
    }
}
