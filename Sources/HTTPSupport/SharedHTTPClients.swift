import AsyncHTTPClient
import Synchronization

/// Process-wide HTTP clients, one per ``TLSTrust``: `HTTPClient.shared` for the system defaults, else one
/// client created on first use. They live as long as the process (never shut down, never leaked per
/// cycle), so callers need no shutdown of their own.
public final class SharedHTTPClients: Sendable {
    public static let shared = SharedHTTPClients()

    private let clients = Mutex<[TLSTrust: HTTPClient]>([:])

    /// The client for `trust`; `configurationKey` names the CA file setting in errors.
    public func client(trust: TLSTrust, configurationKey: String) throws -> HTTPClient {
        if trust.isSystemDefault { return .shared }
        return try clients.withLock { clients in
            if let existing = clients[trust] { return existing }
            let client = HTTPClient(
                eventLoopGroupProvider: .singleton,
                configuration: HTTPClient.Configuration(
                    tlsConfiguration: try trust.tlsConfiguration(configurationKey: configurationKey)
                )
            )
            clients[trust] = client
            return client
        }
    }
}
