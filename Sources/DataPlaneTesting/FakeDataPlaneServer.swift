import Foundation
import HAProxySink
import HTTPTestSupport

/// Serves a ``FakeDataPlaneAPI`` on 127.0.0.1 with an ephemeral port, through the shared loopback
/// ``HTTPTestSupport/FakeHTTPServer`` (HTTP/1.1, or HTTPS with a given certificate).
public final class FakeDataPlaneServer: Sendable {
    public let api: FakeDataPlaneAPI
    private let server: FakeHTTPServer

    private init(api: FakeDataPlaneAPI, server: FakeHTTPServer) {
        self.api = api
        self.server = server
    }

    public var port: Int { server.port }
    public var baseURL: String { server.baseURL }
    public var usesTLS: Bool { server.tls }

    /// - Parameter tls: serve HTTPS with this PEM certificate chain and key instead of plain HTTP.
    public static func start(_ api: FakeDataPlaneAPI, tls: (certificate: String, key: String)? = nil) async throws
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

    /// The `haproxy:` section of a discoveryd configuration for this server, ending with a newline. The
    /// password is read from `${passwordVariable}`, so it is never in the file.
    public func discoverydConfigurationSection(namePrefix: String, passwordVariable: String = "DATAPLANE_PASSWORD")
        -> String
    {
        """
        haproxy:
          base_url: \(baseURL)
          api_version: \(api.apiVersion.rawValue)
          username: \(api.username)
          password: ${\(passwordVariable)}
          backend:
            name_prefix: \(namePrefix)

        """
    }

    public func shutdown() async throws {
        await server.stop()
    }
}
