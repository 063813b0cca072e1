import AsyncHTTPClient
import DiscoverydOperations
import Logging
import NIOCore
import NIOHTTP1
import Prometheus
import ProviderKit
import ProviderKitTesting
import ServiceLifecycle
import Testing

/// The daemon's operations side around a real discovery loop (fake provider, recording sink): scraped over
/// HTTP on loopback, and heard on a fake systemd notify socket.
@Suite("Operations: /metrics, /healthz, /readyz and systemd around a running loop")
struct OperationsEndToEndTests {
    static func instance(_ id: String, _ address: String) -> Instance {
        Instance(
            id: InstanceID(id),
            address: address,
            region: "westeurope",
            tags: ["HAProxy:Service:Name": "web", "HAProxy:Service:Port": "80"],
            sourceKind: "test"
        )
    }

    struct Daemon {
        let provider = FakeProvider(name: "fake-a", instances: [instance("vm-1", "10.0.0.1"), instance("vm-2", "10.0.0.2")])
        let sink = RecordingSink(name: "recording")
        let notify: FakeNotifySocket
        let operations: DaemonOperations
        let group: ServiceGroup

        init() throws {
            notify = try FakeNotifySocket()
            let logger = Logger(label: "operations-test")
            operations = DaemonOperations(
                settings: OperationsSettings(metricsListen: ListenAddress(host: "127.0.0.1", port: 0)),
                version: "9.9.9-test",
                environment: ["NOTIFY_SOCKET": notify.address, "WATCHDOG_USEC": "60000000"],
                registry: PrometheusCollectorRegistry(),
                logger: logger
            )
            let loop = try DiscoveryLoop(
                providers: [operations.instrument(provider)],
                sink: operations.instrument(sink),
                // One cycle at start; later ones only when the provider reports a change.
                policy: PollingPolicy(interval: .seconds(3600), jitter: .zero, backoffBase: .seconds(3600),
                                      maxBackoff: .seconds(3600), fetchTimeout: nil),
                observers: operations.observers,
                logger: logger
            )
            group = ServiceGroup(
                configuration: ServiceGroupConfiguration(
                    services: operations.servicesBeforeLoop + [loop] + operations.servicesAfterLoop,
                    logger: logger
                )
            )
        }

        func get(_ path: String) async throws -> (status: Int, body: String) {
            var port: Int?
            for _ in 0..<500 where port == nil {
                port = operations.server?.boundPort
                if port == nil { try await Task.sleep(for: .milliseconds(10)) }
            }
            let request = HTTPClientRequest(url: "http://127.0.0.1:\(try #require(port))\(path)")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            let body = try await response.body.collect(upTo: 1 << 20)
            return (Int(response.status.code), String(buffer: body))
        }

        func scrape() async throws -> PrometheusText {
            let (status, body) = try await get("/metrics")
            #expect(status == 200)
            return try PrometheusText(body)
        }
    }

    @Test("After a cycle /metrics has the families with their labels, and the daemon is ready and told systemd")
    func scrapeAfterCycles() async throws {
        let daemon = try Daemon()
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await daemon.group.run() }

            let untilReady = try await daemon.notify.waitFor("READY=1")
            #expect(untilReady?.joined().contains("WATCHDOG=1") == true)

            let metrics = try await daemon.scrape()
            let provider = ["provider": "fake-a"]
            let sink = ["sink": "recording"]
            #expect(metrics.value("discoveryd_build_info", ["version": "9.9.9-test"]) == 1)
            #expect(metrics.value("discoveryd_provider_instances", provider) == 2)
            #expect(metrics.value("discoveryd_provider_services", provider) == 1)
            #expect(metrics.value("discoveryd_provider_fetch_failures_total", provider) == 0)
            #expect(metrics.value("discoveryd_provider_fetch_duration_seconds_count", provider) == 1)
            #expect(metrics.types["discoveryd_provider_fetch_duration_seconds"] == "histogram")
            #expect(metrics.samples(named: "discoveryd_provider_fetch_duration_seconds_bucket").contains {
                $0.labels["provider"] == "fake-a" && $0.labels["le"] == "+Inf" && $0.value == 1
            })
            let lastSuccess = try #require(metrics.value("discoveryd_provider_last_success_timestamp_seconds", provider))
            #expect(lastSuccess > 1_700_000_000)
            #expect(metrics.value("discoveryd_sink_apply_duration_seconds_count", sink) == 1)
            #expect(metrics.types["discoveryd_sink_apply_duration_seconds"] == "histogram")
            #expect(metrics.value("discoveryd_sink_servers_changed_total", sink) == 2)
            #expect(metrics.value("discoveryd_sink_requests_total", sink) == 1)
            #expect(metrics.value("discoveryd_sink_reloads_total", sink) == 0)
            #expect(metrics.value("discoveryd_sink_apply_failures_total", sink) == 0)
            #expect(metrics.value("discoveryd_cycles_total", ["outcome": "success"]) == 1)
            #expect(metrics.value("discoveryd_consecutive_failed_cycles") == 0)
            #expect(metrics.value("discoveryd_backoff_seconds") == 0)
            #expect(try await daemon.get("/healthz") == (200, "ok: the discovery loop is running\n"))
            #expect(try await daemon.get("/readyz") == (200, "ready: HAProxy is in step with every provider\n"))

            // HAProxy refuses the next apply: counted, backed off, but still ready (the last apply is recent).
            await daemon.sink.setFailure(RecordingSinkError())
            await daemon.provider.waitForWatchers()
            _ = await daemon.provider.triggerChange()
            #expect(try await daemon.notify.waitFor("cycle 2: applying to HAProxy failed") != nil)
            let failed = try await daemon.scrape()
            #expect(failed.value("discoveryd_sink_apply_failures_total", sink) == 1)
            #expect(failed.value("discoveryd_sink_apply_duration_seconds_count", sink) == 2)
            #expect(failed.value("discoveryd_cycles_total", ["outcome": "failure"]) == 1)
            #expect(failed.value("discoveryd_consecutive_failed_cycles") == 1)
            #expect(failed.value("discoveryd_backoff_seconds") == 3600)
            #expect(try await daemon.get("/readyz").status == 200)
            #expect(try await daemon.get("/nothing-here").status == 404)

            await daemon.group.triggerGracefulShutdown()
            #expect(try await daemon.notify.waitFor("STOPPING=1") != nil)
            try await tasks.waitForAll()
        }
    }

    @Test("The drain guard holding an answer and a service the sink could not apply show in /metrics by label")
    func drainGuardAndServiceErrors() async throws {
        let daemon = try Daemon()
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await daemon.group.run() }
            _ = try await daemon.notify.waitFor("READY=1")
            let provider = ["provider": "fake-a"]
            let calm = try await daemon.scrape()
            #expect(calm.value("discoveryd_provider_drain_guard_holding", provider) == 0)
            #expect(calm.types["discoveryd_provider_drain_guard_holding"] == "gauge")

            // The provider suddenly answers with nothing (2 of 2 live servers would go): the guard holds it,
            // the previous instances are applied again, and HAProxy refuses one backend.
            await daemon.sink.setServiceFailures([
                ServiceFailure(target: "azure-web-80-westeurope", message: "HAProxy refused a command")
            ])
            await daemon.provider.setInstances([])
            await daemon.provider.waitForWatchers()
            _ = await daemon.provider.triggerChange()
            #expect(try await daemon.notify.waitFor("cycle 2 applied") != nil)
            let held = try await daemon.scrape()
            #expect(held.value("discoveryd_provider_drain_guard_holding", provider) == 1)
            #expect(
                held.value(
                    "discoveryd_sink_service_errors_total",
                    ["sink": "recording", "backend": "azure-web-80-westeurope"]
                ) == 1
            )
            #expect(held.types["discoveryd_sink_service_errors_total"] == "counter")

            // The provider answers as before: the guard lets go.
            await daemon.sink.setServiceFailures([])
            await daemon.provider.setInstances([Self.instance("vm-1", "10.0.0.1"), Self.instance("vm-2", "10.0.0.2")])
            _ = await daemon.provider.triggerChange()
            #expect(try await daemon.notify.waitFor("cycle 3 applied") != nil)
            let released = try await daemon.scrape()
            #expect(released.value("discoveryd_provider_drain_guard_holding", provider) == 0)
            #expect(
                released.value(
                    "discoveryd_sink_service_errors_total",
                    ["sink": "recording", "backend": "azure-web-80-westeurope"]
                ) == 1
            )

            await daemon.group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    @Test("/healthz and /readyz answer 503 before the loop has started or applied")
    func notReadyBeforeFirstApply() async throws {
        let daemon = try Daemon()
        // The provider never answers, so the startup gate stays closed.
        await daemon.provider.setFailure(FakeProviderError("the cloud is down"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await daemon.group.run() }
            _ = try await daemon.notify.waitFor("WATCHDOG=1")
            let ready = try await daemon.get("/readyz")
            #expect(ready.status == 503)
            #expect(ready.body.contains("waiting for every provider to answer once (provider failed: fake-a)"))
            #expect(try await daemon.get("/healthz").status == 200)
            let metrics = try await daemon.scrape()
            #expect(metrics.value("discoveryd_provider_fetch_failures_total", ["provider": "fake-a"]) == 1)
            #expect(metrics.value("discoveryd_cycles_total", ["outcome": "failure"]) == 1)
            #expect(!daemon.notify.drain().joined().contains("READY=1"))
            await daemon.group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}
