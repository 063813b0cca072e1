import DiscoverydTesting
import Foundation
import HAProxySink
import HAProxyTesting
import ProviderKit
import Testing

/// Seen: a static file saved as `instances: []` put all 5 live servers into maintenance, and `--once` exited 0.
/// Now `discoveryd --once` against the real HAProxy refuses, and `--allow-drain` applies it.
extension DiscoverydEndToEndTests {
    @Test func onceRefusesToDrainEveryLiveServerUnlessAllowed() async throws {
        let executable = try #require(DiscoverydExecutable.locate(), "the discoveryd executable was not built")
        let backend = "e2e-web-8080-lab"
        try await withRealHAProxy(
            backends: [.init(backend, slots: 10)],
            servers: NameHTTPServer.numbered("web", 1...5, firstHost: 41),
            runtimeSocket: .unix
        ) { lab in
            let directory = lab.directory
            let instances = directory.appendingPathComponent("instances.yaml")
            try StaticFleet(lab.servers.map { ($0.name, $0.host, $0.port) }).write(to: instances)
            let config = directory.appendingPathComponent("discoveryd.yaml")
            try StaticFleet.configuration(runtimeSocket: lab.runtimeSocket).write(to: config, atomically: true, encoding: .utf8)
            let haproxy = lab.haproxy

            let filled = try await executable.run(["--once", "-c", config.path], currentDirectory: directory)
            #expect(filled.status == 0, "\(filled.stderr)")
            #expect(try await haproxy.activeSlots(backend: backend).count == 5)

            try "instances: []\n".write(to: instances, atomically: true, encoding: .utf8)
            let refused = try await executable.run(["--once", "-c", config.path], currentDirectory: directory)
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("5 of its 5 live servers"))
            #expect(refused.stderr.contains("--allow-drain"))
            #expect(try await haproxy.activeSlots(backend: backend).count == 5, "nothing was drained")

            let planned = try await executable.run(["plan", "-c", config.path], currentDirectory: directory)
            #expect(planned.status == 1)
            #expect(planned.stderr.contains("--allow-drain"))

            let allowed = try await executable.run(
                ["--once", "--allow-drain", "-c", config.path],
                currentDirectory: directory
            )
            #expect(allowed.status == 0, "\(allowed.stderr)")
            #expect(try await haproxy.activeSlots(backend: backend).isEmpty)
        }
    }
}
