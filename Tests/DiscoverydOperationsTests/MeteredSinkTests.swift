import DiscoverydOperations
import Prometheus
import ProviderKit
import Testing

@Suite("Sink metrics")
struct MeteredSinkTests {
    /// Answers every apply with the next scripted result, as a HAProxy sink would report it.
    actor ScriptedSink: Sink {
        nonisolated let name = "haproxy-dataplane"
        var results: [Result<SinkReport, any Error>]

        init(_ results: [Result<SinkReport, any Error>]) { self.results = results }

        func apply(_ catalog: ServiceCatalog, options: ApplyOptions) async throws -> SinkReport {
            try results.removeFirst().get()
        }
    }

    @Test("Changes by kind, reloads, retries, failures and slots per backend are exported as the sink reported them")
    func sinkReportBecomesMetrics() async throws {
        let registry = PrometheusCollectorRegistry()
        let metrics = DiscoverydMetrics(factory: PrometheusMetricsFactory(registry: registry), version: "test")
        let first = SinkReport(
            requests: 7, serversChanged: 5, reloads: 1, runtimeChanges: 2, structuralChanges: 3, retries: 1,
            slots: ["azure-web-80-westeurope": SlotUsage(used: 9, total: 10), "azure-api-81-westeurope": SlotUsage(used: 1, total: 10)]
        )
        let second = SinkReport(
            requests: 2, serversChanged: 1,
            failures: [ServiceFailure(target: "azure-api-81-westeurope", message: "HAProxy refused a command")],
            runtimeChanges: 1,
            slots: [
                "azure-web-80-westeurope": SlotUsage(used: 10, total: 20, draining: 2),
                "azure-api-81-westeurope": SlotUsage(used: 0, total: 10),
            ]
        )
        let sink = MeteredSink(
            ScriptedSink([.success(first), .failure(Reports.Failure()), .success(second)]),
            metrics: metrics
        )
        _ = try await sink.apply(ServiceCatalog(), options: ApplyOptions())
        await #expect(throws: Reports.Failure.self) { try await sink.apply(ServiceCatalog(), options: ApplyOptions()) }
        _ = try await sink.apply(ServiceCatalog(), options: ApplyOptions())

        let text = try PrometheusText(registry.emitToString())
        let labels = ["sink": "haproxy-dataplane"]
        #expect(text.value("discoveryd_sink_changes_total", labels.merging(["kind": "runtime"]) { $1 }) == 3)
        #expect(text.value("discoveryd_sink_changes_total", labels.merging(["kind": "structural"]) { $1 }) == 3)
        #expect(text.value("discoveryd_sink_servers_changed_total", labels) == 6)
        #expect(text.value("discoveryd_sink_reloads_total", labels) == 1)
        #expect(text.value("discoveryd_sink_transaction_retries_total", labels) == 1)
        #expect(text.value("discoveryd_sink_requests_total", labels) == 9)
        #expect(text.value("discoveryd_sink_apply_failures_total", labels) == 1)
        #expect(text.value("discoveryd_sink_apply_duration_seconds_count", labels) == 3)
        #expect(text.value("discoveryd_backend_slots_used", ["backend": "azure-web-80-westeurope"]) == 10)
        #expect(text.value("discoveryd_backend_slots_total", ["backend": "azure-web-80-westeurope"]) == 20)
        #expect(text.value("discoveryd_backend_slots_used", ["backend": "azure-api-81-westeurope"]) == 0)
        #expect(text.value("discoveryd_backend_slots_draining", ["backend": "azure-web-80-westeurope"]) == 2)
        #expect(text.value("discoveryd_backend_slots_draining", ["backend": "azure-api-81-westeurope"]) == 0)
        // One backend failed in the second successful apply; the other has its series at 0.
        #expect(text.value("discoveryd_sink_service_errors_total", labels.merging(["backend": "azure-api-81-westeurope"]) { $1 }) == 1)
        #expect(text.value("discoveryd_sink_service_errors_total", labels.merging(["backend": "azure-web-80-westeurope"]) { $1 }) == 0)
        #expect(text.types["discoveryd_backend_slots_used"] == "gauge")
        #expect(text.types["discoveryd_sink_changes_total"] == "counter")
    }
}
