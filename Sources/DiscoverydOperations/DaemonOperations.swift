import Logging
import Prometheus
import ProviderKit
import ServiceLifecycle

/// The operator-facing side of a running daemon, assembled in one place: metrics, health, the HTTP listener
/// and the systemd notifications. The loop sees it only as observers and as metered providers and sink.
public struct DaemonOperations: Sendable {
    public let registry: PrometheusCollectorRegistry
    public let metrics: DiscoverydMetrics
    public let health: HealthState
    /// `nil` when `metrics.listen` is `""`.
    public let server: OperationsServer?
    /// `nil` unless started by systemd with `Type=notify`.
    public let systemd: SystemdNotifyObserver?

    /// - Parameters:
    ///   - environment: Where `NOTIFY_SOCKET` and `WATCHDOG_USEC` are read (the process environment).
    ///   - registry: Where metrics are kept; tests pass a fresh one.
    public init(
        settings: OperationsSettings,
        version: String,
        environment: [String: String],
        registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
        logger: Logger
    ) {
        self.registry = registry
        metrics = DiscoverydMetrics(factory: Self.metricsFactory(registry: registry), version: version)
        let health = HealthState()
        self.health = health
        server = settings.metricsListen.map { address in
            OperationsServer(
                address: address,
                routes: OperationsRoutes(registry: registry, health: health),
                logger: logger
            )
        }
        systemd = SystemdNotifier(environment: environment).map { SystemdNotifyObserver(notifier: $0, logger: logger) }
    }

    /// Prometheus behind swift-metrics, with histogram buckets that fit the durations measured: a fetch of a
    /// large Azure estate takes tens of seconds, an apply a few milliseconds to seconds.
    public static func metricsFactory(registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        let seconds: [Double] = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120]
        let buckets = seconds.map { Duration.milliseconds(Int64($0 * 1000)) }
        factory.durationHistogramBuckets[DiscoverydMetrics.prefix + "provider_fetch_duration_seconds"] = buckets
        factory.durationHistogramBuckets[DiscoverydMetrics.prefix + "sink_apply_duration_seconds"] = buckets
        return factory
    }

    /// Everything that watches the loop's cycles.
    public var observers: [any DiscoveryLoopObserver] {
        [metrics, health] + (systemd.map { [$0] } ?? [])
    }

    /// Services to run before the loop (they stop after it): the listener, so `/healthz` answers throughout.
    public var servicesBeforeLoop: [any Service] { server.map { [$0] } ?? [] }

    /// Services to run after every other (they hear of a shutdown first): the systemd notifier.
    public var servicesAfterLoop: [any Service] { systemd.map { [$0] } ?? [] }

    public func instrument(_ provider: any Provider) -> any Provider { MeteredProvider(provider, metrics: metrics) }
    public func instrument(_ sink: any Sink) -> any Sink { MeteredSink(sink, metrics: metrics) }
}

/// Typed settings of the operations side, from the configuration's `metrics:` section.
public struct OperationsSettings: Hashable, Sendable {
    /// The default: loopback only, the port registered for discoveryd's exporter in this project.
    public static let defaultListen = ListenAddress(host: "127.0.0.1", port: 9612)

    /// Where `/metrics`, `/healthz` and `/readyz` are served; `nil` turns the listener off.
    public var metricsListen: ListenAddress?

    public init(metricsListen: ListenAddress? = Self.defaultListen) {
        self.metricsListen = metricsListen
    }
}
