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
        try await withTemporaryDirectory { directory in
            let frontendPort = try await freeLoopbackPort()
            let socket = directory.appendingPathComponent("admin.sock").path
            let backend = "e2e-web-8080-lab"
            let configuration = HAProxyConfiguration(
                runtimeSocket: socket,
                backends: [.init(name: backend, frontendPort: frontendPort, slots: 10)]
            )
            let specs = (1...5).map { (name: "web-\($0)", host: "127.0.0.\(40 + $0)") }
            try await NameHTTPServer.withServers(specs) { servers in
                try await HAProxyProcess.withRunning(
                    configuration: configuration.text,
                    runtimeEndpoint: .unixSocket(path: socket),
                    in: directory
                ) { haproxy in
                    var fixture = ["instances:"]
                    for spec in specs {
                        let server = servers[spec.name]!
                        fixture += [
                            "  - id: \(spec.name)", "    address: \(server.host)", "    region: lab", "    tags:",
                            "      HAProxy:Service:Name: web", "      HAProxy:Service:Port: 8080",
                            "      HAProxy:Instance:Port: \"\(server.port)\"",
                        ]
                    }
                    let instances = directory.appendingPathComponent("instances.yaml")
                    try (fixture.joined(separator: "\n") + "\n").write(to: instances, atomically: true, encoding: .utf8)
                    let config = directory.appendingPathComponent("discoveryd.yaml")
                    try """
                        static:
                          path: instances.yaml
                        haproxy:
                          runtime_socket: \(socket)
                          backend:
                            name_prefix: e2e
                        """.write(to: config, atomically: true, encoding: .utf8)

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
    }
}
