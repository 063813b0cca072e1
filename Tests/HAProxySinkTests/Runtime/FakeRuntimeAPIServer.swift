import Foundation
import HAProxySink
import NIOCore
import NIOPosix
import ProviderKit
import Synchronization

/// A stand-in for HAProxy's stats socket that speaks the HAProxy 2.6 Runtime API byte for byte
/// (answers and error texts copied from a real 2.6.12), over a real unix socket.
///
/// It models what `show servers state` reports for servers made by `server-template ... disabled`,
/// and what `set server`, `add server`, `enable server` and `enable health` do to them. It records
/// every command so tests can count what a sink sent, and it can simulate a restart of HAProxy.
final class FakeRuntimeAPIServer: Sendable {
    struct Server: Hashable, Sendable {
        var id: Int
        var name: String
        var address = "127.0.0.1"
        var port = 80
        var opState = 0
        var admin = 0
        var weight = 1
        var initialWeight = 1
        var check = 0
    }

    struct Backend: Hashable, Sendable {
        var id: Int
        var name: String
        var servers: [Server]
    }

    /// A backend as haproxy.cfg declares it: `server-template <prefix> <slots> 127.0.0.1:80 disabled [check]`.
    struct BackendDeclaration: Sendable {
        var name: String
        var templatePrefix = "srv"
        var slots = 10
        var check = true
        var weight = 1
    }

    private struct State: Sendable {
        var backends: [Backend] = []
        var commands: [String] = []
        var connections = 0
        var rejectNextMatching: String?
    }

    let socketPath: String
    private let declarations: [BackendDeclaration]
    private let state = Mutex(State())
    private let serverChannel: Mutex<(any Channel)?> = Mutex(nil)

    var endpoint: RuntimeAPIEndpoint { .unixSocket(path: socketPath) }

    /// Starts a fake on a fresh unix socket, runs `body`, and always stops it.
    static func withServer<Result: Sendable>(
        _ declarations: [BackendDeclaration],
        _ body: (FakeRuntimeAPIServer) async throws -> Result
    ) async throws -> Result {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("fake-runtime-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let server = FakeRuntimeAPIServer(socketPath: directory.appendingPathComponent("admin.sock").path, declarations)
        do {
            try await server.start()
            let result = try await body(server)
            try await server.stop()
            try? FileManager.default.removeItem(at: directory)
            return result
        } catch {
            try? await server.stop()
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
    }

    private init(socketPath: String, _ declarations: [BackendDeclaration]) {
        self.socketPath = socketPath
        self.declarations = declarations
        restart()
    }

    private func start() async throws {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(CommandLineHandler(server: self))
                }
            }
            .bind(unixDomainSocketPath: socketPath, cleanupExistingSocketFile: true)
            .get()
        serverChannel.withLock { $0 = channel }
    }

    private func stop() async throws {
        let channel = serverChannel.withLock { channel in
            defer { channel = nil }
            return channel
        }
        try await channel?.close()
    }

    // MARK: - What tests look at and do

    /// Every command received, in order (one entry per `;`-separated command).
    var commands: [String] { state.withLock { $0.commands } }
    /// Commands that change state (everything but `show ...`).
    var writeCommands: [String] { commands.filter { !$0.hasPrefix("show ") } }
    var connections: Int { state.withLock { $0.connections } }
    func backend(_ name: String) -> Backend? { state.withLock { $0.backends.first { $0.name == name } } }

    /// Forgets the commands and connections seen so far.
    func clearLog() {
        state.withLock {
            $0.commands = []
            $0.connections = 0
        }
    }

    /// Forgets every runtime change, as a restart or reload of HAProxy does.
    func restart() {
        var backends: [Backend] = []
        for (index, declaration) in declarations.enumerated() {
            let servers = (0..<declaration.slots).map { slot in
                Server(
                    id: slot + 1,
                    name: "\(declaration.templatePrefix)\(slot + 1)",
                    admin: 0x05,
                    weight: declaration.weight,
                    initialWeight: declaration.weight,
                    check: declaration.check ? 0x0E : 0x08
                )
            }
            backends.append(Backend(id: index + 3, name: declaration.name, servers: servers))
        }
        state.withLock { $0.backends = backends }
    }

    /// Makes the next command starting with `prefix` fail the way HAProxy fails it for a missing server.
    func rejectNextCommand(startingWith prefix: String) {
        state.withLock { $0.rejectNextMatching = prefix }
    }

    /// Changes a server behind the sink's back, as an operator with the CLI would.
    func mutate(backend: String, server: String, _ change: (inout Server) -> Void) {
        state.withLock { state in
            guard let b = state.backends.firstIndex(where: { $0.name == backend }),
                let s = state.backends[b].servers.firstIndex(where: { $0.name == server })
            else { return }
            change(&state.backends[b].servers[s])
        }
    }

    // MARK: - The CLI

    fileprivate func execute(line: String) -> String {
        state.withLock { $0.connections += 1 }
        let commands = line.split(separator: ";").map { String($0).trimmingCharacters(in: .whitespaces) }
        return commands.map { command in
            let answer = state.withLock { state -> String in
                state.commands.append(command)
                if let prefix = state.rejectNextMatching, command.hasPrefix(prefix) {
                    state.rejectNextMatching = nil
                    return "No such server.\n"
                }
                return Self.answer(command, &state.backends)
            }
            return answer + "\n"
        }.joined()
    }

    private static let header =
        "# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight "
        + "srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state "
        + "srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl "
        + "srv_check_port srv_check_addr srv_agent_addr srv_agent_port"

    private static func answer(_ command: String, _ backends: inout [Backend]) -> String {
        let words = command.split(separator: " ").map(String.init)
        switch (words.first, words.dropFirst().first) {
        case ("show", "servers"):
            var selected = backends
            if words.count > 3 {
                selected = backends.filter { $0.name == words[3] }
                if selected.isEmpty { return "Can't find backend.\n" }
            }
            var lines = ["1", header]
            for backend in selected {
                for server in backend.servers {
                    lines.append(
                        "\(backend.id) \(backend.name) \(server.id) \(server.name) \(server.address) "
                            + "\(server.opState) \(server.admin) \(server.weight) \(server.initialWeight) 3 1 0 0 "
                            + "\(server.check) 0 0 0 - \(server.port) - 0 0 - - 0"
                    )
                }
            }
            return lines.joined(separator: "\n") + "\n"
        case ("show", "backend"):
            return (["# name"] + backends.map(\.name)).joined(separator: "\n") + "\n"
        case ("set", "server") where words.count >= 4:
            return setServer(words, &backends)
        case ("add", "server") where words.count >= 4:
            return addServer(words, &backends)
        case ("enable", "server") where words.count == 3, ("enable", "health") where words.count == 3:
            return withServer(words[2], &backends) { server in
                if words[1] == "server" {
                    server.admin &= ~0x01
                    server.opState = 2
                } else {
                    server.check |= 0x04
                }
                return ""
            }
        default:
            return "Unknown command, but maybe one of the following ones is a better match:\n"
                + "  help [<command>]                        : list matching or all commands\n"
        }
    }

    private static func withServer(
        _ path: String,
        _ backends: inout [Backend],
        _ change: (inout Server) -> String
    ) -> String {
        let parts = path.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return "Require 'backend/server'.\n" }
        guard let b = backends.firstIndex(where: { $0.name == parts[0] }) else { return "No such backend.\n" }
        guard let s = backends[b].servers.firstIndex(where: { $0.name == parts[1] }) else {
            return "No such server.\n"
        }
        return change(&backends[b].servers[s])
    }

    private static func setServer(_ words: [String], _ backends: inout [Backend]) -> String {
        withServer(words[2], &backends) { server in
            switch words[3] {
            case "addr" where words.count == 7 && words[5] == "port":
                // IPv4 or IPv6, shown back in canonical form (`fd00:0::4` becomes `fd00::4`), as HAProxy does.
                guard let port = Int(words[6]), let address = IPAddressLiteral.canonical(words[4]) else {
                    return "Invalid addr '\(words[4])' by 'stats socket command'\n"
                }
                let addressPart =
                    server.address == address
                    ? "no need to change the addr"
                    : "IP changed from '\(server.address)' to '\(words[4])'"
                let portPart =
                    server.port == port
                    ? "no need to change the port" : "port changed from '\(server.port)' to '\(port)'"
                server.address = address
                server.port = port
                return "\(addressPart), \(portPart) by 'stats socket command'\n"
            case "state" where words.count == 5:
                switch words[4] {
                case "ready":
                    server.admin &= ~0x09
                    server.opState = 2
                    if server.check & 0x02 != 0 { server.check &= ~0x08 }
                case "maint":
                    server.admin |= 0x01
                    server.opState = 0
                    if server.check & 0x02 != 0 { server.check |= 0x08 }
                case "drain":
                    server.admin |= 0x08
                default:
                    return "'set server <srv> state' expects 'ready', 'drain' and 'maint'.\n"
                }
                return ""
            case "weight" where words.count == 5:
                guard let weight = Int(words[4]), (0...256).contains(weight) else {
                    return "Integer value out of range.\n"
                }
                server.weight = weight
                return ""
            default:
                return "'set server <srv>' only supports 'agent', 'health', 'state', 'weight', 'addr', 'fqdn', 'check-addr', 'check-port' and 'ssl'.\n"
            }
        }
    }

    private static func addServer(_ words: [String], _ backends: inout [Backend]) -> String {
        let parts = words[2].split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return "Require 'backend/server'.\n" }
        guard let b = backends.firstIndex(where: { $0.name == parts[0] }) else { return "No such backend.\n" }
        if backends[b].servers.contains(where: { $0.name == parts[1] }) {
            return "Already exists a server with the same name in backend.\n"
        }
        let target = words[3]
        guard let colon = target.lastIndex(of: ":"), let port = Int(target[target.index(after: colon)...]) else {
            return "'\(target)' : invalid address.\n"
        }
        // `[fd00::4]:8080` for IPv6, `10.0.0.4:8080` for IPv4.
        var host = String(target[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard let address = IPAddressLiteral.canonical(host) else { return "'\(target)' : invalid address.\n" }
        var server = Server(
            id: (backends[b].servers.map(\.id).max() ?? 0) + 1,
            name: parts[1],
            address: address,
            port: port,
            admin: 0x01
        )
        var index = 4
        while index < words.count {
            switch words[index] {
            case "check": server.check = 0x02
            case "weight" where index + 1 < words.count:
                server.weight = Int(words[index + 1]) ?? 1
                server.initialWeight = server.weight
                index += 1
            default:
                return "'\(words[index])' : unknown keyword for dynamic server.\n"
            }
            index += 1
        }
        backends[b].servers.append(server)
        return "New server registered.\n"
    }
}

/// Reads one line, answers it, closes: HAProxy's CLI outside prompt mode.
private final class CommandLineHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let server: FakeRuntimeAPIServer
    private var received = ByteBuffer()

    init(server: FakeRuntimeAPIServer) { self.server = server }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var chunk = unwrapInboundIn(data)
        received.writeBuffer(&chunk)
        guard let newline = received.readableBytesView.firstIndex(of: UInt8(ascii: "\n")),
            let line = received.readString(length: newline - received.readerIndex)
        else { return }
        let answer = server.execute(line: line)
        let boundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: answer))).whenComplete { _ in
            boundContext.value.close(promise: nil)
        }
    }
}
