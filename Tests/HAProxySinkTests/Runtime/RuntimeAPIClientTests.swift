import Foundation
import HAProxySink
import NIOCore
import NIOPosix
import Testing

@Suite("Runtime API client over a unix socket")
struct RuntimeAPIClientTests {
    static let web = FakeRuntimeAPIServer.BackendDeclaration(name: "azure-web-8080", slots: 3)

    @Test func runsSeveralCommandsOnOneConnectionAndReturnsEachAnswer() async throws {
        try await FakeRuntimeAPIServer.withServer([Self.web]) { fake in
            let client = RuntimeAPIClient(endpoint: fake.endpoint)
            let answers = try await client.run([
                .setAddress(backend: "azure-web-8080", server: "srv1", address: "127.0.0.11", port: 8080),
                .setState(backend: "azure-web-8080", server: "srv1", .ready),
                .setWeight(backend: "azure-web-8080", server: "srv1", weight: 50),
            ])
            #expect(answers == [
                "IP changed from '127.0.0.1' to '127.0.0.11', port changed from '80' to '8080' by 'stats socket command'",
                "", "",
            ])
            #expect(fake.connections == 1)
            let srv1 = try #require(fake.backend("azure-web-8080")?.servers.first)
            #expect(srv1.address == "127.0.0.11" && srv1.port == 8080 && srv1.weight == 50 && srv1.opState == 2)
        }
    }

    @Test func aRejectedCommandThrowsWithHAProxysMessageAndTheCommand() async throws {
        try await FakeRuntimeAPIServer.withServer([Self.web]) { fake in
            let client = RuntimeAPIClient(endpoint: fake.endpoint)
            let error = await #expect(throws: RuntimeAPIError.self) {
                try await client.run([
                    .setState(backend: "azure-web-8080", server: "srv1", .ready),
                    .setState(backend: "azure-web-8080", server: "srv99", .ready),
                ])
            }
            #expect(error?.code == .commandRejected)
            #expect(error?.command == "set server azure-web-8080/srv99 state ready")
            #expect(error?.message == "No such server.")
        }
    }

    @Test func aQueryReturnsTheWholeAnswer() async throws {
        try await FakeRuntimeAPIServer.withServer([Self.web]) { fake in
            let client = RuntimeAPIClient(endpoint: fake.endpoint)
            let servers = try ServersStateParser.parse(try await client.query(.showServersState))
            #expect(servers.map(\.serverName) == ["srv1", "srv2", "srv3"])
            #expect(servers.allSatisfy { $0.isInMaintenance && $0.hasHealthCheck })
        }
    }

    @Test func longBatchesAreSplitIntoLinesHAProxyCanBufferAndKeepTheirOrder() async throws {
        let big = FakeRuntimeAPIServer.BackendDeclaration(name: "azure-big-8080", slots: 200)
        try await FakeRuntimeAPIServer.withServer([big]) { fake in
            let client = RuntimeAPIClient(endpoint: fake.endpoint)
            let commands = (1...200).map {
                RuntimeCommand.setWeight(backend: "azure-big-8080", server: "srv\($0)", weight: $0)
            }
            try await client.run(commands)
            #expect(fake.connections > 1)
            #expect(fake.commands == commands.map(\.text))
            #expect(fake.backend("azure-big-8080")?.servers.map(\.weight) == Array(1...200))
        }
    }

    @Test("a socket path that does not exist: one sentence with the reason and how to declare the socket")
    func aMissingSocketSaysHowToDeclareIt() async throws {
        let client = RuntimeAPIClient(endpoint: .unixSocket(path: "/nonexistent/discoveryd-test/admin.sock"))
        let error = await #expect(throws: RuntimeAPIError.self) { try await client.query(.showBackends) }
        #expect(error?.code == .connectionFailed)
        #expect(
            error?.description
                == "cannot connect to the HAProxy Runtime API at /nonexistent/discoveryd-test/admin.sock: no such file "
                + "(is HAProxy running with \"stats socket /nonexistent/discoveryd-test/admin.sock level admin\"?)"
        )
    }

    @Test("a socket nobody listens on (HAProxy stopped, the file left behind): connection refused, in words")
    func aDeadSocketIsRefused() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dead-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("admin.sock").path
        try Self.leaveDeadSocket(at: path)

        let client = RuntimeAPIClient(endpoint: .unixSocket(path: path))
        let error = await #expect(throws: RuntimeAPIError.self) { try await client.query(.showBackends) }
        #expect(error?.code == .connectionFailed)
        #expect(
            error?.description
                == "cannot connect to the HAProxy Runtime API at \(path): connection refused "
                + "(is HAProxy running with \"stats socket \(path) level admin\"?)"
        )
    }

    @Test("nothing listening on a TCP stats socket: connection refused, in words")
    func aClosedPortIsRefused() async throws {
        // Bind a port, then close it: nothing listens there any more.
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(channel.localAddress?.port)
        try await channel.close()

        let client = RuntimeAPIClient(endpoint: .tcp(host: "127.0.0.1", port: port))
        let error = await #expect(throws: RuntimeAPIError.self) { try await client.query(.showBackends) }
        #expect(
            error?.description
                == "cannot connect to the HAProxy Runtime API at tcp://127.0.0.1:\(port): connection refused "
                + "(is HAProxy running with \"stats socket ipv4@127.0.0.1:\(port) level admin\"?)"
        )
    }

    /// A unix socket file that was bound and closed, never listened on: what a stopped HAProxy leaves behind.
    static func leaveDeadSocket(at path: String) throws {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            let bytes = Array(path.utf8.prefix(buffer.count - 1)) + [0]
            buffer.copyBytes(from: bytes)
        }
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        try #require(bound == 0)
    }

    @Test func anArgumentThatWouldSplitTheLineIsNeverSent() async throws {
        try await FakeRuntimeAPIServer.withServer([Self.web]) { fake in
            let client = RuntimeAPIClient(endpoint: fake.endpoint)
            let error = await #expect(throws: RuntimeAPIError.self) {
                try await client.run([.setState(backend: "azure-web-8080", server: "srv1; shutdown", .ready)])
            }
            #expect(error?.code == .invalidCommand)
            #expect(fake.commands.isEmpty)
        }
    }

    @Test func aSocketThatNeverAnswersTimesOutInsteadOfHangingTheLoop() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("silent-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("admin.sock").path
        // Accepts connections and never writes a byte.
        let silent = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(unixDomainSocketPath: path)
            .get()
        let client = RuntimeAPIClient(endpoint: .unixSocket(path: path), timeout: .milliseconds(200))
        let error = await #expect(throws: RuntimeAPIError.self) { try await client.query(.showServersState) }
        try await silent.close()
        #expect(error?.code == .timedOut)
        #expect(error?.command == "show servers state")
    }
}
