import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import Synchronization

/// ``HTTPTransport`` over async-http-client.
public struct AsyncHTTPTransport: HTTPTransport {
    /// Bodies above this are refused: ARM pages are a few MB at most.
    public static let maximumBodyBytes = 64 * 1024 * 1024

    let client: HTTPClient

    public init(client: HTTPClient) {
        self.client = client
    }

    /// The shared client when no extra CA is needed; else one process-wide client per CA file, so the
    /// clients live as long as the daemon (they are never shut down, and never leaked per cycle).
    public static func make(caFile: String?) throws -> AsyncHTTPTransport {
        guard let caFile else { return AsyncHTTPTransport(client: .shared) }
        return AsyncHTTPTransport(client: try ClientsByCAFile.shared.client(caFile: caFile))
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
        let response: HTTPClientResponse
        let body: ByteBuffer
        do {
            response = try await client.execute(outgoing, timeout: .nanoseconds(Int64(timeout.nanoseconds)))
            body = try await response.body.collect(upTo: Self.maximumBodyBytes)
        } catch {
            throw AzureProviderError(
                .requestFailed,
                "\(request.method) \(URLRedaction.withoutQuery(request.url)) failed: \(error)"
            )
        }
        return HTTPResponseData(
            status: Int(response.status.code),
            headers: response.headers.map { (name: $0.name, value: $0.value) },
            body: Array(buffer: body)
        )
    }
}

/// Process-wide HTTP clients trusting an extra CA file, one per file.
final class ClientsByCAFile: Sendable {
    static let shared = ClientsByCAFile()

    private let clients = Mutex<[String: HTTPClient]>([:])

    func client(caFile: String) throws -> HTTPClient {
        try clients.withLock { clients in
            if let existing = clients[caFile] { return existing }
            let client = HTTPClient(
                eventLoopGroupProvider: .singleton,
                configuration: HTTPClient.Configuration(tlsConfiguration: try Self.tlsConfiguration(caFile: caFile))
            )
            clients[caFile] = client
            return client
        }
    }

    /// System trust roots plus the certificates in `caFile`; certificate verification stays on.
    static func tlsConfiguration(caFile: String) throws -> TLSConfiguration {
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMFile(caFile)
        } catch {
            throw AzureProviderError.invalidConfiguration(
                "azure.ca_file: cannot read PEM certificates from \(caFile) (\(error)); point it at a readable PEM file"
            )
        }
        guard !certificates.isEmpty else {
            throw AzureProviderError.invalidConfiguration(
                "azure.ca_file: \(caFile) contains no PEM certificate; point it at a PEM CA bundle"
            )
        }
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.additionalTrustRoots = [.certificates(certificates)]
        configuration.certificateVerification = .fullVerification
        return configuration
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    var seconds: Double { Double(nanoseconds) / 1_000_000_000 }
}

/// Query strings may carry tokens (`$skiptoken`) and are noise in logs.
enum URLRedaction {
    static func withoutQuery(_ url: String) -> String {
        guard let index = url.firstIndex(of: "?") else { return url }
        return String(url[..<index])
    }
}
