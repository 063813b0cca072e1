import CoreMetrics
import Foundation
import ProviderKit
import Synchronization

/// Every metric discoveryd exports, with the names and labels of the README's metrics reference, recorded
/// through swift-metrics into whichever factory the daemon gives (Prometheus in production, a private
/// registry per test).
///
/// Fed by ``MeteredProvider`` and ``MeteredSink`` (timings and the sink's own report, seen at the call) and,
/// as a ``DiscoveryLoopObserver``, by each ``CycleReport`` (provider outcomes as the loop judged them: a fetch
/// the loop timed out is a failure even though the provider never threw; cycle counts and backoff).
public final class DiscoverydMetrics: DiscoveryLoopObserver {
    public static let prefix = "discoveryd_"

    private let factory: any MetricsFactory
    /// Instance ids each provider returned last, to count the services it feeds.
    private let instancesByProvider = Mutex<[String: Set<InstanceID>]>([:])

    public init(factory: any MetricsFactory, version: String) {
        self.factory = factory
        Gauge(label: Self.prefix + "build_info", dimensions: [("version", version)], factory: factory).record(1)
    }

    // MARK: Provider

    func recordFetch(provider: String, duration: Duration, instances: [Instance]?) {
        Timer(label: Self.prefix + "provider_fetch_duration_seconds", dimensions: [("provider", provider)], factory: factory)
            .recordNanoseconds(duration.nanoseconds)
        if let instances {
            let ids = Set(instances.map(\.id))
            instancesByProvider.withLock { $0[provider] = ids }
        }
    }

    // MARK: Sink

    func recordApply(sink: String, duration: Duration, result: Result<SinkReport, any Error>) {
        let dimensions = [("sink", sink)]
        Timer(label: Self.prefix + "sink_apply_duration_seconds", dimensions: dimensions, factory: factory)
            .recordNanoseconds(duration.nanoseconds)
        switch result {
        case .success(let applied):
            counter("sink_apply_failures_total", dimensions).increment(by: 0)
            counter("sink_requests_total", dimensions).increment(by: applied.requests)
            counter("sink_servers_changed_total", dimensions).increment(by: applied.serversChanged)
            counter("sink_changes_total", dimensions + [("kind", "runtime")]).increment(by: applied.runtimeChanges)
            counter("sink_changes_total", dimensions + [("kind", "structural")]).increment(by: applied.structuralChanges)
            counter("sink_reloads_total", dimensions).increment(by: applied.reloads)
            counter("sink_transaction_retries_total", dimensions).increment(by: applied.retries)
            for (backend, usage) in applied.slots {
                gauge("backend_slots_used", [("backend", backend)]).record(usage.used)
                gauge("backend_slots_total", [("backend", backend)]).record(usage.total)
                gauge("backend_slots_draining", [("backend", backend)]).record(usage.draining)
                // Present from the first apply on, so that `increase()` sees the first error of a backend.
                counter("sink_service_errors_total", dimensions + [("backend", backend)]).increment(by: 0)
            }
            // A service the sink could not apply while the others were applied (one broken backend).
            for failure in applied.failures {
                counter("sink_service_errors_total", dimensions + [("backend", failure.target)]).increment()
            }
        case .failure:
            counter("sink_apply_failures_total", dimensions).increment()
        }
    }

    // MARK: Cycle

    public func loopDidFinishCycle(_ report: CycleReport, status: LoopStatus) {
        let known = instancesByProvider.withLock { $0 }
        let holding = Set(report.drainHolds.flatMap(\.heldProviders))
        for provider in report.providers {
            let dimensions = [("provider", provider.provider)]
            gauge("provider_drain_guard_holding", dimensions).record(holding.contains(provider.provider) ? 1 : 0)
            switch provider.outcome {
            case .fetched(let count):
                gauge("provider_instances", dimensions).record(count)
                gauge("provider_last_success_timestamp_seconds", dimensions).record(Self.unixTime())
                counter("provider_fetch_failures_total", dimensions).increment(by: 0)
            case .failed, .stale:
                counter("provider_fetch_failures_total", dimensions).increment()
            }
            if let catalog = report.catalog, let ids = known[provider.provider] {
                let fed = catalog.services.values.count { service in service.endpoints.contains { ids.contains($0.instanceID) } }
                gauge("provider_services", dimensions).record(fed)
            }
        }

        counter("cycles_total", [("outcome", report.succeeded ? "success" : "failure")]).increment()
        gauge("consecutive_failed_cycles", []).record(status.consecutiveFailedCycles)
        let backoff = status.consecutiveFailedCycles > 0 ? status.nextDelay : .zero
        gauge("backoff_seconds", []).record(backoff.seconds)
    }

    // MARK: Helpers

    private func counter(_ name: String, _ dimensions: [(String, String)]) -> Counter {
        Counter(label: Self.prefix + name, dimensions: dimensions, factory: factory)
    }

    private func gauge(_ name: String, _ dimensions: [(String, String)]) -> Gauge {
        Gauge(label: Self.prefix + name, dimensions: dimensions, factory: factory)
    }

    private static func unixTime() -> Double {
        Date().timeIntervalSince1970
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
