import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// ``HTTPTransport`` over async-http-client, with a cap on the size of an answer.
public struct AsyncHTTPTransport: HTTPTransport {
    /// The default cap on a response body: API pages are a few MB at most.
    public static let defaultMaximumBodyBytes = 64 * 1024 * 1024

    let client: HTTPClient
    /// Answers with a larger body fail with ``HTTPTransportError/Code/bodyTooLarge``.
    public var maximumBodyBytes: Int

    public init(client: HTTPClient, maximumBodyBytes: Int = Self.defaultMaximumBodyBytes) {
        self.client = client
        self.maximumBodyBytes = maximumBodyBytes
    }

    /// A transport on the process-wide client for `trust` (see ``SharedHTTPClients``); `configurationKey`
    /// names the setting in errors about the CA file (e.g. `azure.ca_file`).
    public static func make(
        trust: TLSTrust = TLSTrust(),
        configurationKey: String,
        maximumBodyBytes: Int = Self.defaultMaximumBodyBytes
    ) throws -> AsyncHTTPTransport {
        AsyncHTTPTransport(
            client: try SharedHTTPClients.shared.client(trust: trust, configurationKey: configurationKey),
            maximumBodyBytes: maximumBodyBytes
        )
    }

    public func send(_ request: HTTPRequestData, timeout: Duration) async throws -> HTTPResponseData {
        let requestName = "\(request.method) \(URLRedaction.withoutQuery(request.url))"
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for header in request.headers {
            outgoing.headers.add(name: header.name, value: header.value)
        }
        if let body = request.body {
            outgoing.body = .bytes(ByteBuffer(bytes: body))
        }
        let response: HTTPClientResponse
        do {
            response = try await client.execute(outgoing, timeout: .nanoseconds(timeout.wholeNanoseconds))
        } catch {
            throw HTTPTransportError(.noAnswer, "\(requestName): \(Self.reason(error))")
        }
        let body: ByteBuffer
        do {
            body = try await response.body.collect(upTo: maximumBodyBytes)
        } catch is NIOTooManyBytesError {
            throw HTTPTransportError(
                .bodyTooLarge,
                "\(requestName) answered with more than \(maximumBodyBytes) bytes; refusing to read further",
                status: Int(response.status.code)
            )
        } catch {
            throw HTTPTransportError(.noAnswer, "\(requestName): the answer broke off: \(Self.reason(error))")
        }
        return HTTPResponseData(
            status: Int(response.status.code),
            headers: response.headers.map { (name: $0.name, value: $0.value) },
            body: Array(buffer: body)
        )
    }
}

extension Duration {
    /// The duration in whole nanoseconds, as NIO's `TimeAmount` wants it.
    var wholeNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    var wholeMilliseconds: Int64 { wholeNanoseconds / 1_000_000 }
}

/// Query strings may carry tokens (`$skiptoken`, signatures) and are noise in logs.
public enum URLRedaction {
    /// `url` without its query string.
    public static func withoutQuery(_ url: String) -> String {
        guard let index = url.firstIndex(of: "?") else { return url }
        return String(url[..<index])
    }
}

extension AsyncHTTPTransport {
    /// A connection error in words (``ConnectionFailure``), else the error's own description.
    static func reason(_ error: any Error) -> String {
        ConnectionFailure.reason(error) ?? "\(error)"
    }
}
