import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A tiny HTTP server on a loopback address that answers every request with its own name, and counts them.
///
/// `GET /slow/<milliseconds>` answers the same way after that long: a long request, to see whether a
/// connection survives what discoveryd does to its server meanwhile (a drain).
///
/// Used as the "instances" behind a real HAProxy: the body of a response through HAProxy tells which
/// server took the request, and ``requests`` tells whether a removed server still gets any.
public final class NameHTTPServer: Sendable {
    public let name: String
    public let host: String
    public let port: Int
    private let counter: RequestCounter
    private let channel: any Channel

    /// Requests answered so far.
    public var requests: Int { counter.value }
    /// Requests whose head arrived so far (a slow one counts here at once, in ``requests`` when answered).
    public var requestsStarted: Int { counter.started }

    private init(name: String, host: String, port: Int, counter: RequestCounter, channel: any Channel) {
        self.name = name
        self.host = host
        self.port = port
        self.counter = counter
        self.channel = channel
    }

    /// Binds `host:port` (port 0: an ephemeral one) and starts answering.
    public static func start(name: String, host: String, port: Int = 0) async throws -> NameHTTPServer {
        let counter = RequestCounter()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(NameHandler(name: name, counter: counter))
                }
            }
            .bind(host: host, port: port)
            .get()
        guard let boundPort = channel.localAddress?.port else {
            try? await channel.close()
            throw HarnessError("\(name) has no port after binding \(host):\(port)")
        }
        return NameHTTPServer(name: name, host: host, port: boundPort, counter: counter, channel: channel)
    }

    public func stop() async {
        try? await channel.close()
    }

    /// Starts one server per `(name, host)`, runs `body`, and stops them all whatever happens.
    public static func withServers<Result: Sendable>(
        _ specs: [(name: String, host: String)],
        _ body: ([String: NameHTTPServer]) async throws -> Result
    ) async throws -> Result {
        var servers: [String: NameHTTPServer] = [:]
        do {
            for spec in specs {
                servers[spec.name] = try await start(name: spec.name, host: spec.host)
            }
            let result = try await body(servers)
            for server in servers.values { await server.stop() }
            return result
        } catch {
            for server in servers.values { await server.stop() }
            throw error
        }
    }
}

private final class RequestCounter: Sendable {
    private let count = Atomic<Int>(0)
    private let heads = Atomic<Int>(0)
    var value: Int { count.load(ordering: .relaxed) }
    var started: Int { heads.load(ordering: .relaxed) }
    func increment() { count.add(1, ordering: .relaxed) }
    func start() { heads.add(1, ordering: .relaxed) }
}

private final class NameHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let name: String
    private let counter: RequestCounter
    private var keepAlive = true
    private var delay: TimeAmount = .zero

    init(name: String, counter: RequestCounter) {
        self.name = name
        self.counter = counter
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            keepAlive = head.isKeepAlive
            counter.start()
            delay = .zero
            if head.uri.hasPrefix("/slow/"), let milliseconds = Int64(head.uri.dropFirst("/slow/".count)) {
                delay = .milliseconds(milliseconds)
            }
        case .body:
            break
        case .end where delay > .zero:
            let boundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
            let boundSelf = NIOLoopBound(self, eventLoop: context.eventLoop)
            context.eventLoop.scheduleTask(in: delay) {
                boundSelf.value.respond(context: boundContext.value)
            }
        case .end:
            respond(context: context)
        }
    }

    private func respond(context: ChannelHandlerContext) {
        counter.increment()
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/plain")
        headers.add(name: "Content-Length", value: String(name.utf8.count))
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: name)))), promise: nil)
        let closeAfter = !keepAlive
        let boundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            if closeAfter { boundContext.value.close(promise: nil) }
        }
    }
}
