import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// ``HTTPTransport`` over async-http-client's shared client (system trust roots, verification on).
public struct AsyncHTTPTransport: HTTPTransport {
    /// A DescribeInstances page of 1,000 instances is a few MB; anything far larger is refused.
    public static let maximumBodyBytes = 64 * 1024 * 1024

    let client: HTTPClient

    public init(client: HTTPClient = .shared) {
        self.client = client
    }

    public func send(_ request: HTTPRequestData, timeout: Duration) async throws -> HTTPResponseData {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for header in request.headers {
            outgoing.headers.add(name: header.name, value: header.value)
        }
        if let body = request.body {
            outgoing.body = .bytes(ByteBuffer(bytes: body))
        }
        do {
            let (seconds, attoseconds) = timeout.components
            let response = try await client.execute(
                outgoing, timeout: .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
            )
            let body = try await response.body.collect(upTo: Self.maximumBodyBytes)
            return HTTPResponseData(
                status: Int(response.status.code),
                headers: response.headers.map { (name: $0.name, value: $0.value) },
                body: Array(buffer: body)
            )
        } catch {
            throw AWSProviderError(.requestFailed, "\(request.method) \(URLRedaction.withoutQuery(request.url)) failed: \(error)")
        }
    }
}

/// Query strings can carry tokens and are noise in logs.
enum URLRedaction {
    static func withoutQuery(_ url: String) -> String {
        guard let index = url.firstIndex(of: "?") else { return url }
        return String(url[..<index])
    }
}
