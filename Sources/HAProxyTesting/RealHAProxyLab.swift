import Foundation
import HAProxySink

/// What a real-HAProxy test runs against: a real HAProxy (generated configuration, Runtime API socket), loopback
/// HTTP servers standing for the instances, and a traffic probe through each backend's frontend.
///
/// Only reachable through ``withRealHAProxy(backends:servers:runtimeSocket:extraConfiguration:_:)``, which
/// starts everything in a fresh directory and stops and removes all of it whatever the test does.
public struct RealHAProxyLab: Sendable {
    /// A backend of the generated haproxy.cfg: `slots` declared `srvN` slots (the Runtime API sink's layout),
    /// health checks on (`check inter 1s`) unless `check` is false (then its state moves only when written).
    public struct Backend: Sendable {
        public var name: String
        public var slots: Int
        public var check: Bool

        public init(_ name: String, slots: Int = 10, check: Bool = true) {
            self.name = name
            self.slots = slots
            self.check = check
        }
    }

    /// Where HAProxy's Runtime API listens: TCP on 127.0.0.1 (a free port), or a unix socket in the lab's
    /// directory (as discoveryd's `haproxy.runtime_socket` takes it).
    public enum RuntimeSocket: Sendable {
        case tcp
        case unix
    }

    /// The test's directory (haproxy.cfg, haproxy.log, the socket, the test's own files); removed afterwards.
    public let directory: URL
    public let haproxy: HAProxyProcess
    /// The HTTP servers, in the order they were asked for.
    public let servers: [NameHTTPServer]
    /// The Runtime API as discoveryd's `haproxy.runtime_socket` names it: a path, or `127.0.0.1:port`.
    public let runtimeSocket: String
    fileprivate let frontends: [String: TrafficProbe]
    fileprivate let firstBackend: String

    /// Requests through the first backend's frontend.
    public var probe: TrafficProbe { frontends[firstBackend]! }

    /// Requests through `backend`'s frontend.
    public func probe(backend: String) throws -> TrafficProbe {
        guard let probe = frontends[backend] else { throw HarnessError("the lab has no backend \(backend)") }
        return probe
    }

    /// The server named `name` (a thrown error, not a crash, when there is none: a crash would leave HAProxy running).
    public func server(_ name: String) throws -> NameHTTPServer {
        guard let server = servers.first(where: { $0.name == name }) else {
            throw HarnessError("the lab has no server \(name); it has \(servers.map(\.name))")
        }
        return server
    }

    /// `host:port` of the server named `name`, as ``HAProxyProcess/activeSlots(backend:)`` shows a slot serving it.
    public func endpoint(of name: String) throws -> String {
        let server = try server(name)
        return "\(server.host):\(server.port)"
    }
}

extension NameHTTPServer {
    /// `prefix-1`, `prefix-2`, … on 127.0.0.`firstHost`, 127.0.0.`firstHost + 1`, …: one loopback address
    /// per instance, so that slots and traffic tell them apart.
    public static func numbered(_ prefix: String, _ numbers: ClosedRange<Int>, firstHost: Int)
        -> [(name: String, host: String)]
    {
        numbers.map { (name: "\(prefix)-\($0)", host: "127.0.0.\(firstHost + $0 - numbers.lowerBound)") }
    }
}

/// Runs `body` in a ``RealHAProxyLab``: HTTP servers `servers` (name and loopback host each, ports chosen
/// by the system), a real HAProxy with `backends` (each reached on its own loopback frontend) and a Runtime
/// API socket, plus `extraConfiguration(servers)` appended to its haproxy.cfg (hand-written sections).
///
/// HAProxy is checked with `haproxy -c` and started before `body`; afterwards, whether `body` returns, throws
/// or is cancelled, HAProxy is stopped, the servers are closed and the directory is removed. A test process
/// that crashes cannot do that: its HAProxy is stopped by the next lab started (see ``LeftoverProcesses``).
public func withRealHAProxy<Result: Sendable>(
    backends: [RealHAProxyLab.Backend],
    servers specs: [(name: String, host: String)] = [],
    runtimeSocket: RealHAProxyLab.RuntimeSocket = .tcp,
    extraConfiguration: ([NameHTTPServer]) -> String = { _ in "" },
    _ body: (RealHAProxyLab) async throws -> Result
) async throws -> Result {
    guard let first = backends.first else { throw HarnessError("a real-HAProxy lab needs at least one backend") }
    return try await withTemporaryDirectory { directory in
        let endpoint: RuntimeAPIEndpoint
        let socket: String
        switch runtimeSocket {
        case .tcp:
            let port = try await freeLoopbackPort()
            endpoint = .tcp(host: "127.0.0.1", port: port)
            socket = "127.0.0.1:\(port)"
        case .unix:
            socket = directory.appendingPathComponent("admin.sock").path
            endpoint = .unixSocket(path: socket)
        }
        var declared: [HAProxyConfiguration.Backend] = []
        var frontends: [String: TrafficProbe] = [:]
        for backend in backends {
            let port = try await freeLoopbackPort()
            declared.append(.init(name: backend.name, frontendPort: port, slots: backend.slots, check: backend.check))
            frontends[backend.name] = TrafficProbe(port: port)
        }
        let configuration = HAProxyConfiguration(
            runtimeSocket: runtimeSocket == .tcp ? "ipv4@\(socket)" : socket,
            backends: declared
        )
        return try await NameHTTPServer.withServers(specs) { started in
            let servers = try specs.map { spec in
                guard let server = started[spec.name] else { throw HarnessError("two servers are named \(spec.name)") }
                return server
            }
            return try await HAProxyProcess.withRunning(
                configuration: configuration.text + extraConfiguration(servers),
                runtimeEndpoint: endpoint,
                in: directory
            ) { haproxy in
                try await body(
                    RealHAProxyLab(
                        directory: directory,
                        haproxy: haproxy,
                        servers: servers,
                        runtimeSocket: socket,
                        frontends: frontends,
                        firstBackend: first.name
                    )
                )
            }
        }
    }
}
