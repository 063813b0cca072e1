import DiscoverydTesting
import Foundation
import HAProxySink
import HAProxyTesting
import Testing

/// Fixtures/demo/haproxy.cfg is what the README and Scripts/demo.sh hand to users: a real HAProxy must load
/// it, and `--once` with Fixtures/demo/config.yaml must fill its backends.
extension DiscoverydEndToEndTests {
    @Test func theDemoHAProxyCfgLoadsAndOnceWithTheDemoConfigurationFillsItsBackends() async throws {
        let executable = try #require(DiscoverydExecutable.locate(), "the discoveryd executable was not built")
        let demo = DiscoverydExecutable.repositoryRoot.appendingPathComponent("Fixtures/demo")
        try await withTemporaryDirectory { directory in
            let socket = directory.appendingPathComponent("admin.sock").path
            // The one substitution: the demo's addresses on 127.0.0.1 (stats socket port 19999, frontends 18080
            // and 19090) become a unix socket here and free ports, so that a running demo or another test
            // cannot clash. The backends, slots and options are the file's own.
            var text = try String(contentsOf: demo.appendingPathComponent("haproxy.cfg"), encoding: .utf8)
            let substitutions = [
                "stats socket ipv4@127.0.0.1:19999": "stats socket \(socket)",
                "bind 127.0.0.1:18080": "bind 127.0.0.1:\(try await freeLoopbackPort())",
                "bind 127.0.0.1:19090": "bind 127.0.0.1:\(try await freeLoopbackPort())",
            ]
            for (original, replacement) in substitutions {
                #expect(text.contains(original), "Fixtures/demo/haproxy.cfg no longer has \"\(original)\"; update this test")
                text = text.replacingOccurrences(of: original, with: replacement)
            }
            // withRunning checks the file with `haproxy -c` first, then starts HAProxy on it.
            try await HAProxyProcess.withRunning(configuration: text, runtimeEndpoint: .unixSocket(path: socket), in: directory) {
                haproxy in
                // The demo configuration reads its socket from HAPROXY_RUNTIME_SOCKET, as the README shows.
                let environment = ["HAPROXY_RUNTIME_SOCKET": socket]
                let config = demo.appendingPathComponent("config.yaml").path
                let once = try await executable.run(["--once", "-c", config], environment: environment)
                #expect(once.status == 0, "\(once.stderr)")
                #expect(
                    try await haproxy.activeSlots(backend: "demo-web-8080-local")
                        == ["srv1": "127.0.0.11:8080", "srv2": "127.0.0.12:8080", "srv3": "127.0.0.13:8080"]
                )
                #expect(
                    try await haproxy.activeSlots(backend: "demo-api-9090-local")
                        == ["srv1": "127.0.0.21:9090", "srv2": "127.0.0.22:9091"]
                )
                let plan = try await executable.run(["plan", "-c", config], environment: environment)
                #expect(plan.status == 0, "\(plan.stderr)")
                #expect(plan.stdout.contains("no changes"), "\(plan.stdout)")
            }
        }
    }
}
