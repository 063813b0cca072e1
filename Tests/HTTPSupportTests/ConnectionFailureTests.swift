import Foundation
import HTTPSupport
import NIOCore
import NIOPosix
import Testing

/// Connection errors read as words, not as NIO's system-call and errno dumps.
@Suite struct ConnectionFailureTests {
    @Test("a request to a port nothing listens on fails with the request and \"connection refused\"")
    func refusedRequest() async throws {
        // Bind a port, then close it: nothing listens there any more.
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(channel.localAddress?.port)
        try await channel.close()

        let transport = try AsyncHTTPTransport.make(configurationKey: "test.ca_file")
        let error = try #require(
            await #expect(throws: HTTPTransportError.self) {
                _ = try await transport.send(HTTPRequestData(url: "http://127.0.0.1:\(port)/v3/info?token=secret"), timeout: .seconds(5))
            }
        )
        #expect(error.code == .noAnswer)
        #expect(error.description == "GET http://127.0.0.1:\(port)/v3/info: connection refused")
    }

    @Test("errno values a person meets are words", arguments: [
        (ENOENT, "no such file"), (ECONNREFUSED, "connection refused"), (EACCES, "permission denied"),
        (ETIMEDOUT, "timed out"),
    ])
    func errnoWords(_ code: CInt, _ words: String) {
        #expect(ConnectionFailure.reason(errno: code) == words)
        #expect(ConnectionFailure.reason(IOError(errnoCode: code, reason: "connect(descriptor:addr:size:)")) == words)
    }

    @Test("timeouts from NIO and AsyncHTTPClient say so")
    func timeouts() {
        #expect(ConnectionFailure.reason(ChannelError.connectTimeout(.seconds(5))) == "timed out")
        #expect(ConnectionFailure.reason(CancellationError()) == nil, "not a connection error: the caller's own words")
    }
}
