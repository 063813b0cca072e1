import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

// One loopback HTTP server for every fake (Azure, the Data Plane API, …): a fake is a function from
// ``FakeRequest`` to ``FakeResponse``; this file owns the sockets, TLS and HTTP framing.

/// A request as the fakes see it.
public struct FakeRequest: Sendable {
    public var method: String
    public var path: String
    public var query: [String: String]
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(method: String, path: String, query: [String: String], headers: [(name: String, value: String)], body: [UInt8]) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// `application/x-www-form-urlencoded` body fields.
    public var form: [String: String] { FakeRequest.decodeQuery(String(decoding: body, as: UTF8.self)) }

    public static func decodeQuery(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0]).replacingPlusAndPercentEscapes()
            let value = parts.count > 1 ? String(parts[1]).replacingPlusAndPercentEscapes() : ""
            fields[name] = value
        }
        return fields
    }
}

public struct FakeResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)] = []
    public var body: [UInt8] = []
    /// Close the connection without answering (a dropped connection).
    public var dropConnection = false

    public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = [], dropConnection: Bool = false) {
        self.status = status
        self.headers = headers
        self.body = body
        self.dropConnection = dropConnection
    }

    public static func json(_ status: Int, _ text: String, headers: [(String, String)] = []) -> FakeResponse {
        FakeResponse(status: status, headers: [("Content-Type", "application/json")] + headers, body: Array(text.utf8))
    }
}

/// An HTTP server on 127.0.0.1 with an ephemeral port, answering every request with `handle`; with
/// `tls`, HTTPS with the test certificate in `Fixtures/azure/tls/` (signed by `test-ca.pem`).
public final class FakeHTTPServer: Sendable {
    public let channel: any Channel
    public let port: Int
    public let tls: Bool

    public var baseURL: String { "\(tls ? "https" : "http")://127.0.0.1:\(port)" }

    private init(channel: any Channel, port: Int, tls: Bool) {
        self.channel = channel
        self.port = port
        self.tls = tls
    }

    public static func start(tls: Bool = false, _ handle: @escaping @Sendable (FakeRequest) -> FakeResponse) async throws -> FakeHTTPServer {
        try await start(sslContext: tls ? Self.testServerTLSContext() : nil, handle)
    }

    /// HTTPS with this PEM certificate chain and key (a test that brings its own PKI), or plain HTTP for `nil`.
    public static func start(
        certificate: (chain: String, key: String)?,
        _ handle: @escaping @Sendable (FakeRequest) -> FakeResponse
    ) async throws -> FakeHTTPServer {
        let sslContext = try certificate.map { certificate in
            try NIOSSLContext(
                configuration: TLSConfiguration.makeServerConfiguration(
                    certificateChain: try NIOSSLCertificate.fromPEMFile(certificate.chain).map { .certificate($0) },
                    privateKey: .privateKey(try NIOSSLPrivateKey(file: certificate.key, format: .pem))
                )
            )
        }
        return try await start(sslContext: sslContext, handle)
    }

    private static func start(
        sslContext: NIOSSLContext?,
        _ handle: @escaping @Sendable (FakeRequest) -> FakeResponse
    ) async throws -> FakeHTTPServer {
        let tls = sslContext != nil
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext))
                    }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(RequestHandler(handle: handle))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return FakeHTTPServer(channel: channel, port: channel.localAddress?.port ?? 0, tls: tls)
    }

    public static func testServerTLSContext() throws -> NIOSSLContext {
        let directory = TestPKI.directory
        let chain = try NIOSSLCertificate.fromPEMFile(directory.appendingPathComponent("server-cert.pem").path)
        let key = try NIOSSLPrivateKey(file: directory.appendingPathComponent("server-key.pem").path, format: .pem)
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key)
        )
        return try NIOSSLContext(configuration: configuration)
    }

    public func stop() async {
        try? await channel.close()
    }
}

private final class RequestHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let handle: @Sendable (FakeRequest) -> FakeResponse
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []

    init(handle: @escaping @Sendable (FakeRequest) -> FakeResponse) {
        self.handle = handle
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = []
        case .body(let buffer):
            body += Array(buffer: buffer)
        case .end:
            guard let head else { return }
            let (path, query) = Self.split(head.uri)
            let request = FakeRequest(
                method: head.method.rawValue,
                path: path,
                query: query,
                headers: head.headers.map { (name: $0.name, value: $0.value) },
                body: body
            )
            let response = handle(request)
            if response.dropConnection {
                context.close(promise: nil)
                return
            }
            var headers = HTTPHeaders(response.headers)
            headers.replaceOrAdd(name: "Content-Length", value: String(response.body.count))
            let responseHead = HTTPResponseHead(
                version: head.version, status: HTTPResponseStatus(statusCode: response.status), headers: headers
            )
            context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: response.body)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            if !head.isKeepAlive {
                context.close(promise: nil)
            }
            self.head = nil
        }
    }

    static func split(_ uri: String) -> (String, [String: String]) {
        guard let index = uri.firstIndex(of: "?") else { return (uri, [:]) }
        return (String(uri[..<index]), FakeRequest.decodeQuery(String(uri[uri.index(after: index)...])))
    }
}

extension String {
    fileprivate func replacingPlusAndPercentEscapes() -> String {
        let spaced = replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}


/// The throw-away PKI in `Fixtures/azure/tls/`: a test CA and a server certificate for 127.0.0.1.
public enum TestPKI {
    public static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/azure/tls")

    /// For `azure.ca_file` / `haproxy.ca_file`.
    public static var certificateAuthorityFile: String { directory.appendingPathComponent("test-ca.pem").path }
}
