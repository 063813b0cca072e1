import DiscoverydCore
import Foundation
import HAProxySink
import Logging
import ProviderKit
import ProviderKitTesting
import StaticFileProvider
import Synchronization
import Testing

@Suite("Wiring a configuration into providers, sink and loop")
struct WiringTests {
    let context = WiringContext(logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })

    func load(_ yaml: String) throws -> DiscoverydConfiguration {
        try ConfigurationLoader(environment: [:]).load(yaml: yaml, directory: RepositoryPaths.fixture("demo"))
    }

    @Test("one static provider per static entry, named by its resolved path")
    func staticProviders() throws {
        let configuration = try load(
            """
            static:
              - path: instances.yaml
              - path: instances.json
            haproxy: {runtime_socket: /run/haproxy.sock}
            """
        )
        let providers = try DaemonAssembly(configuration: configuration, context: context).makeProviders()
        #expect(providers.count == 2)
        #expect(providers.allSatisfy { $0 is StaticFileProvider })
        #expect(providers.map(\.name) == [
            "static:" + RepositoryPaths.fixture("demo/instances.yaml"),
            "static:" + RepositoryPaths.fixture("demo/instances.json"),
        ])
    }

    @Test("the grouper uses the configured tag names and filters")
    func grouperFromTags() throws {
        let configuration = try load(
            """
            static: {path: instances.yaml}
            haproxy: {runtime_socket: /run/haproxy.sock}
            tags:
              service_name_tag: svc
              service_port_tag: port
              allowlist: {env: prod}
            """
        )
        let grouper = DaemonAssembly(configuration: configuration, context: context).grouper
        let admitted = Instance(id: "a", address: "10.0.0.1", region: "r", tags: ["svc": "web", "port": "80", "env": "prod"], sourceKind: "test")
        let filtered = Instance(id: "b", address: "10.0.0.2", region: "r", tags: ["svc": "web", "port": "80", "env": "dev"], sourceKind: "test")
        let defaultTags = Instance(id: "c", address: "10.0.0.3", region: "r", tags: ["HAProxy:Service:Name": "web", "HAProxy:Service:Port": "80", "env": "prod"], sourceKind: "test")
        let result = grouper.group([admitted, filtered, defaultTags])
        #expect(result.catalog.services.keys.map(\.description) == ["web:80@r"])
        #expect(result.catalog.endpointCount == 1)
        #expect(result.skipped.map(\.instanceID) == ["b", "c"])
    }

    @Test("the polling policy carries the polling section's seconds")
    func pollingPolicy() throws {
        let configuration = try load(
            """
            static: {path: instances.yaml}
            haproxy: {runtime_socket: /run/haproxy.sock}
            polling: {interval_seconds: 12, jitter_seconds: 0.5, backoff_base_seconds: 3, max_backoff_seconds: 60}
            """
        )
        let policy = DaemonAssembly(configuration: configuration, context: context).pollingPolicy
        #expect(policy == PollingPolicy(interval: .seconds(12), jitter: .milliseconds(500), backoffBase: .seconds(3), maxBackoff: .seconds(60)))
    }

    @Test("a provider fetch times out after polling.fetch_timeout_seconds, 120 s unless set")
    func fetchTimeout() throws {
        let base = """
            static: {path: instances.yaml}
            haproxy: {runtime_socket: /run/haproxy.sock}
            """
        let unset = try load(base)
        #expect(DaemonAssembly(configuration: unset, context: context).pollingPolicy.fetchTimeout == .seconds(120))
        let set = try load(base + "\npolling: {fetch_timeout_seconds: 45}")
        #expect(DaemonAssembly(configuration: set, context: context).pollingPolicy.fetchTimeout == .seconds(45))
    }

    @Test("the haproxy section becomes the planner's settings")
    func sinkSettings() throws {
        let configuration = try load(
            """
            static: {path: instances.yaml}
            haproxy:
              runtime_socket: /run/haproxy.sock
              backend: {name_prefix: edge, name_separator: _, balance: leastconn, mode: tcp}
              server_slots: {base: 12, growth_factor: 3, growth_type: linear}
              availability_zone: "2"
              az_weight_tag: AZperc
              backend_options: {web: {check_timeout: 500}}
            """
        )
        let settings = try HAProxySinkSettings(configuration.haproxy)
        #expect(settings.naming == (try BackendNaming(prefix: "edge", separator: "_")))
        #expect(settings.slotPolicy == (try SlotPolicy(base: 12, growthFactor: 3, growthType: .linear)))
        #expect(settings.serverSettings == (try ServerSettingsPolicy(availabilityZone: "2", azWeightTag: "AZperc")))
        #expect(settings.balance == "leastconn")
        #expect(settings.mode == .tcp)
        #expect(settings.backendOptions == ["web": ["check_timeout": .int(500)]])
    }

    @Test("one cycle through the configured providers reaches the sink with the demo's services")
    func onceThroughRecordingSink() async throws {
        let configuration = try load("static: {path: instances.yaml}\nhaproxy: {runtime_socket: /run/haproxy.sock}\n")
        let sink = RecordingSink()
        let loop = try DaemonAssembly(configuration: configuration, context: context).makeLoop(sink: sink)
        let report = try await loop.runOnce()

        let applied = await sink.applied
        #expect(applied.count == 1)
        #expect(applied.first?.options.fullResync == true)
        let services = try #require(applied.first?.catalog).sorted.map(\.key.description)
        #expect(services == ["api:9090@local", "web:8080@local"])
        let line = CycleSummary.line(for: report, sinkName: sink.name)
        #expect(line.hasPrefix("cycle 1: 7 instances from 1 provider -> 2 services, 5 servers; recording:"))
    }

    @Test("runtime_socket selects the Runtime API sink, otherwise the Data Plane API sink")
    func sinkSelection() async throws {
        let runtime = try load("static: {path: instances.yaml}\nhaproxy: {runtime_socket: /run/haproxy.sock}\n")
        #expect(try DaemonAssembly(configuration: runtime, context: context).makeSink() is RuntimeAPISink)

        let dataPlane = try load("static: {path: instances.yaml}\nhaproxy: {password: pw}\n")
        let shutdown = ShutdownActions()
        let sink = try DaemonAssembly(configuration: dataPlane, context: WiringContext(logger: context.logger, shutdown: shutdown))
            .makeSink()
        #expect(sink is DataPlaneSink)
        await shutdown.run()
    }

    @Test("plan --offline plans every service into new backends, writing nothing")
    func offlinePlan() async throws {
        let configuration = try load("static: {path: instances.yaml}\nhaproxy: {runtime_socket: /run/haproxy.sock}\n")
        let changePlan = try await DaemonAssembly(configuration: configuration, context: context).plan(offline: true)
        let plan = try #require(changePlan.plan as? ReconcilePlan)
        #expect(plan.backends.map(\.backendName) == ["azure-api-9090-local", "azure-web-8080-local"])
        #expect(plan.backends.allSatisfy { $0.isNewBackend })
        #expect(plan.counts.slotsUsed == 5)
        #expect(changePlan.header == "plan against an empty HAProxy (offline): 7 instances from 1 provider, 2 services")
    }

    @Test("shutdown actions run once, last registered first")
    func shutdownActions() async {
        let actions = ShutdownActions()
        let order = Mutex<[Int]>([])
        actions.add { order.withLock { $0.append(1) } }
        actions.add { order.withLock { $0.append(2) } }
        await actions.run()
        await actions.run()
        #expect(order.withLock { $0 } == [2, 1])
    }
}
