import Foundation
import HTTPSupport
import HTTPTestSupport
import Logging
import Synchronization
import Testing

/// The shared transport and retrying sender against a loopback server: retries honour the server's delay,
/// large answers are refused with a clear error, TLS is verified unless turned off.
@Suite struct TransportTests {
    @Test func theSenderRetriesWithAFreshRequestAndHonoursRetryAfter() async throws {
        let served = Mutex(0)
        try await withServer({ request in
            let count = served.withLock { $0 += 1; return $0 }
            guard count > 2 else { return .json(503, #"{"error":"busy"}"#, headers: [("Retry-After", "3")]) }
            return .json(200, #"{"attempt":"\#(request.header("X-Attempt") ?? "")"}"#)
        }) { server in
            let sleeper = RecordingSleeper()
            var policy = RetryPolicy(sleep: sleeper.sleep)
            policy.jitter = { 1.0 }
            let sender = RetryingSender(
                transport: try AsyncHTTPTransport.make(configurationKey: "test.ca_file"), policy: policy, timeout: .seconds(30),
                client: "test", logger: Logger(label: "test")
            )
            let built = Mutex(0)
            let response = try await sender.send {
                let attempt = built.withLock { $0 += 1; return $0 }
                return HTTPRequestData(url: server.baseURL + "/items?token=secret", headers: [("X-Attempt", "\(attempt)")])
            }
            #expect(response.status == 200)
            #expect(String(decoding: response.body, as: UTF8.self) == #"{"attempt":"3"}"#)
            #expect(served.withLock { $0 } == 3)
            #expect(sleeper.delays == [.seconds(3), .seconds(3)])
        }
    }

    @Test func theLastAnswerIsReturnedWhenTheRetriesRunOut() async throws {
        let served = Mutex(0)
        try await withServer({ _ in
            served.withLock { $0 += 1 }
            return .json(500, #"{"error":"down"}"#)
        }) { server in
            let sleeper = RecordingSleeper()
            let sender = RetryingSender(
                transport: try AsyncHTTPTransport.make(configurationKey: "test.ca_file"),
                policy: RetryPolicy(maximumRetries: 2, sleep: sleeper.sleep), timeout: .seconds(30), client: "test",
                logger: Logger(label: "test")
            )
            let response = try await sender.send { HTTPRequestData(url: server.baseURL + "/") }
            #expect(response.status == 500)
            #expect(served.withLock { $0 } == 3)
            #expect(sleeper.delays.count == 2)
        }
    }

    @Test func anAnswerLargerThanTheCapIsRefusedWithAClearError() async throws {
        try await withServer({ _ in FakeResponse(status: 200, body: Array(repeating: 0x41, count: 4096)) }) { server in
            let transport = try AsyncHTTPTransport.make(configurationKey: "test.ca_file", maximumBodyBytes: 1024)
            let error = try await #require(throws: HTTPTransportError.self) {
                _ = try await transport.send(HTTPRequestData(url: server.baseURL + "/big?sig=secret"), timeout: .seconds(30))
            }
            #expect(error.code == .bodyTooLarge)
            #expect(error.status == 200)
            #expect(error.message.contains("GET \(server.baseURL)/big answered with more than 1024 bytes"))
            #expect(!error.message.contains("secret"))
            let small = try AsyncHTTPTransport.make(configurationKey: "test.ca_file", maximumBodyBytes: 4096)
            #expect(try await small.send(HTTPRequestData(url: server.baseURL + "/big"), timeout: .seconds(30)).body.count == 4096)
        }
    }

    @Test func aRefusedConnectionIsNoAnswer() async throws {
        let server = try await FakeHTTPServer.start { _ in .json(200, "{}") }
        let url = server.baseURL + "/"
        await server.stop()
        let transport = try AsyncHTTPTransport.make(configurationKey: "test.ca_file")
        let error = try await #require(throws: HTTPTransportError.self) {
            _ = try await transport.send(HTTPRequestData(url: url), timeout: .milliseconds(300))
        }
        #expect(error.code == .noAnswer)
        #expect(error.status == nil)
    }

    @Test func tlsIsVerifiedByDefaultTrustsTheCAFileAndCanBeTurnedOff() async throws {
        try await withServer(tls: true, { _ in .json(200, "{}") }) { server in
            let request = HTTPRequestData(url: server.baseURL + "/")
            let system = try AsyncHTTPTransport.make(configurationKey: "test.ca_file")
            // The pool retries failed handshakes until the deadline: keep it short.
            let error = try await #require(throws: HTTPTransportError.self) {
                _ = try await system.send(request, timeout: .milliseconds(500))
            }
            #expect(error.code == .noAnswer)

            let trusting = try AsyncHTTPTransport.make(
                trust: TLSTrust(caFile: TestPKI.certificateAuthorityFile), configurationKey: "test.ca_file"
            )
            #expect(try await trusting.send(request, timeout: .seconds(30)).status == 200)

            let unverified = try AsyncHTTPTransport.make(trust: TLSTrust(verifiesCertificates: false), configurationKey: "test.ca_file")
            #expect(try await unverified.send(request, timeout: .seconds(30)).status == 200)
        }
    }
}

/// Runs `body` against a loopback server answering with `handle`, and stops the server after.
func withServer(
    tls: Bool = false, _ handle: @escaping @Sendable (FakeRequest) -> FakeResponse,
    _ body: (FakeHTTPServer) async throws -> Void
) async throws {
    let server = try await FakeHTTPServer.start(tls: tls, handle)
    do {
        try await body(server)
    } catch {
        await server.stop()
        throw error
    }
    await server.stop()
}

/// Records the delays a policy asks for instead of sleeping.
final class RecordingSleeper: Sendable {
    private let recorded = Mutex<[Duration]>([])
    var delays: [Duration] { recorded.withLock { $0 } }
    var sleep: @Sendable (Duration) async throws -> Void { { [self] delay in self.recorded.withLock { $0.append(delay) } } }
}
