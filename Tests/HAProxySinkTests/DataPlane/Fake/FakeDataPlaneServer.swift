import Foundation
import HTTPTestSupport

/// Serves a ``FakeDataPlaneAPI`` on 127.0.0.1 with an ephemeral port, through the shared loopback
/// ``HTTPTestSupport/FakeHTTPServer`` (HTTP/1.1, or HTTPS with a given certificate).
final class FakeDataPlaneServer: Sendable {
    let api: FakeDataPlaneAPI
    private let server: FakeHTTPServer

    private init(api: FakeDataPlaneAPI, server: FakeHTTPServer) {
        self.api = api
        self.server = server
    }

    var port: Int { server.port }
    var baseURL: String { server.baseURL }
    var usesTLS: Bool { server.tls }

    /// - Parameter tls: serve HTTPS with this PEM certificate chain and key instead of plain HTTP.
    static func start(_ api: FakeDataPlaneAPI, tls: (certificate: String, key: String)? = nil) async throws
        -> FakeDataPlaneServer
    {
        let server = try await FakeHTTPServer.start(certificate: tls.map { (chain: $0.certificate, key: $0.key) }) { request in
            let response = api.handle(
                FakeRequest(
                    method: request.method,
                    path: request.path,
                    query: request.query,
                    headers: request.headers,
                    body: Data(request.body)
                )
            )
            return HTTPTestSupport.FakeResponse(
                status: response.status,
                headers: response.headers.map { ($0.name, $0.value) },
                body: Array(response.body),
                dropConnection: response.dropConnection
            )
        }
        return FakeDataPlaneServer(api: api, server: server)
    }

    func shutdown() async throws {
        await server.stop()
    }
}
