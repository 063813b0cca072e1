import HAProxySink
import Logging

/// Starts a fake Data Plane API on loopback, runs `body` with it and a client pointed at it, and always
/// shuts both down.
public func withFakeDataPlane<T>(
    _ version: DataPlaneAPIVersion,
    runtimeAPIAvailable: Bool = true,
    release: String? = nil,
    _ body: (FakeDataPlaneAPI, FakeDataPlaneServer, DataPlaneClient) async throws -> T
) async throws -> T {
    let api = FakeDataPlaneAPI(apiVersion: version, runtimeAPIAvailable: runtimeAPIAvailable, release: release)
    let server = try await FakeDataPlaneServer.start(api)
    let client: DataPlaneClient
    do {
        client = try DataPlaneClient(configuration: server.clientConfiguration(), logger: quietLogger)
    } catch {
        try await server.shutdown()
        throw error
    }
    do {
        let result = try await body(api, server, client)
        try await client.shutdown()
        try await server.shutdown()
        return result
    } catch {
        try? await client.shutdown()
        try? await server.shutdown()
        throw error
    }
}

extension FakeDataPlaneServer {
    public func clientConfiguration(password: String? = nil) -> DataPlaneClientConfiguration {
        DataPlaneClientConfiguration(
            baseURL: baseURL,
            apiVersion: api.apiVersion,
            username: api.username,
            password: password ?? api.password,
            timeout: .seconds(5)
        )
    }
}

/// Tests assert on counters and state, not on log lines; keep the output readable.
public let quietLogger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
