import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import Synchronization

/// The small HTTP listener for operators: `GET /metrics` (Prometheus text format), `/healthz`, `/readyz`.
///
/// Built on swift-nio's HTTP/1 server pipeline (which already parses, pipelines and rejects malformed
/// requests) rather than a web framework: three fixed read-only routes do not need routing, middleware or
/// request bodies, and the daemon already links swift-nio. Idle connections are closed after
/// ``idleTimeout``; request bodies are discarded, never buffered.
///
/// A swift-service-lifecycle `Service`: ``run()`` binds, serves until graceful shutdown, then closes. When
/// the address cannot be bound, the error is logged and the daemon runs on without the listener: keeping
/// HAProxy in step matters more than being watched, and the scrape's `up == 0` tells the operator.
public final class OperationsServer: Service {
    public static let idleTimeout = TimeAmount.seconds(30)

    public let address: ListenAddress
    private let routes: OperationsRoutes
    private let logger: Logger
    private let bound = Mutex<(any Channel)?>(nil)

    public init(address: ListenAddress, routes: OperationsRoutes, logger: Logger) {
        self.address = address
        self.routes = routes
        self.logger = logger
    }

    /// The port actually bound (differs from the configured one when that was 0), once ``run()`` has bound.
    public var boundPort: Int? { bound.withLock { $0?.localAddress?.port } }

    public func run() async throws {
        let channel: any Channel
        do {
            channel = try await bind()
        } catch {
            logger.error("\(error)")
            try? await gracefulShutdown()
            return
        }
        bound.withLock { $0 = channel }
        logger.info("serving /metrics, /healthz and /readyz", metadata: ["listen": "\(address)"])
        try? await gracefulShutdown()
        try? await channel.close()
        bound.withLock { $0 = nil }
    }

    private func bind() async throws -> any Channel {
        let routes = self.routes
        do {
            return try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            IdleStateHandler(readTimeout: Self.idleTimeout)
                        )
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                        try channel.pipeline.syncOperations.addHandler(OperationsRequestHandler(routes: routes))
                    }
                }
                .bind(host: address.host, port: address.port)
                .get()
        } catch {
            throw OperationsServerError(address: address, underlying: error)
        }
    }
}

/// The listener could not bind.
public struct OperationsServerError: Error, CustomStringConvertible {
    public var address: ListenAddress
    public var underlying: any Error

    public var description: String {
        "could not listen on \(address) for /metrics, /healthz and /readyz (\(reason)); set metrics.listen "
            + "to a free address, or to \"\" to turn the listener off"
    }

    /// `address already in use` rather than NIO's `bind(descriptor:ptr:bytes:): ... (errno: 98)`.
    private var reason: String {
        if let error = underlying as? IOError { return String(cString: strerror(error.errnoCode)).lowercased() }
        return "\(underlying)"
    }
}

extension OperationsServer: CustomStringConvertible {
    /// The name the service group logs for it (`sl-service`), instead of its module-qualified type name.
    public var description: String { "operations listener (/metrics, /healthz, /readyz)" }
}
