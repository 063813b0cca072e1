import Foundation
import HAProxySink
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// Serves a ``FakeDataPlaneAPI`` over HTTP/1.1 (or HTTPS) on 127.0.0.1 with an ephemeral port.
final class FakeDataPlaneServer: Sendable {
    let api: FakeDataPlaneAPI
    let port: Int
    private let channel: any Channel

    private init(api: FakeDataPlaneAPI, channel: any Channel, port: Int, usesTLS: Bool) {
        self.api = api
        self.channel = channel
        self.port = port
        self.usesTLS = usesTLS
    }

    var baseURL: String { "\(usesTLS ? "https" : "http")://127.0.0.1:\(port)" }
    let usesTLS: Bool

    /// - Parameter tls: serve HTTPS with this PEM certificate chain and key instead of plain HTTP.
    static func start(_ api: FakeDataPlaneAPI, tls: (certificate: String, key: String)? = nil) async throws
        -> FakeDataPlaneServer
    {
        let sslContext = try tls.map { tls in
            try NIOSSLContext(
                configuration: TLSConfiguration.makeServerConfiguration(
                    certificateChain: try NIOSSLCertificate.fromPEMFile(tls.certificate).map { .certificate($0) },
                    privateKey: .privateKey(try NIOSSLPrivateKey(file: tls.key, format: .pem))
                )
            )
        }
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext))
                    }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(FakeHTTPHandler(api: api))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        guard let port = channel.localAddress?.port else {
            throw FakeError(500, "the fake Data Plane API has no local port")
        }
        return FakeDataPlaneServer(api: api, channel: channel, port: port, usesTLS: sslContext != nil)
    }

    func shutdown() async throws {
        try await channel.close()
    }
}

/// Collects one request, asks the API, writes the answer.
private final class FakeHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let api: FakeDataPlaneAPI
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()

    init(api: FakeDataPlaneAPI) {
        self.api = api
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch Self.unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body.clear()
        case .body(var chunk):
            body.writeBuffer(&chunk)
        case .end:
            guard let head else { return }
            let components = URLComponents(string: head.uri)
            var query: [String: String] = [:]
            for item in components?.queryItems ?? [] {
                query[item.name] = item.value ?? ""
            }
            let request = FakeRequest(
                method: head.method.rawValue,
                path: components?.percentEncodedPath ?? head.uri,
                query: query,
                headers: head.headers.map { (name: $0.name, value: $0.value) },
                body: Data(body.readableBytesView)
            )
            let response = api.handle(request)
            if response.dropConnection {
                context.close(promise: nil)
                return
            }
            var headers = HTTPHeaders()
            for header in response.headers {
                headers.add(name: header.name, value: header.value)
            }
            headers.add(name: "Content-Length", value: "\(response.body.count)")
            let status = HTTPResponseStatus(statusCode: response.status)
            context.write(Self.wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
            if !response.body.isEmpty {
                context.write(Self.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: response.body)))), promise: nil)
            }
            context.writeAndFlush(Self.wrapOutboundOut(.end(nil)), promise: nil)
            if !head.isKeepAlive {
                context.close(promise: nil)
            }
            self.head = nil
        }
    }
}
