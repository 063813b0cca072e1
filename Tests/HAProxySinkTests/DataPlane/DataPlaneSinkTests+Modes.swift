import DataPlaneTesting
import Foundation
import HAProxySink
import InMemoryLogging
import Logging
import ProviderKit
import Testing

/// The Data Plane sink's plan output and its modes: reload reporting, atomic apply, backend options and zone rules.
extension DataPlaneSinkTests {
    @Test(arguments: DataPlaneAPIVersion.allCases)
    func planShowsWhatTheSinkThenDoes(version: DataPlaneAPIVersion) async throws {
        try await withSinkHarness(version) { h in
            try await h.sink.apply(Self.three.catalog, options: ApplyOptions())
            let next = Catalog()
                .service("web", ["10.0.0.1", "10.0.0.3", "10.0.0.4"])
                .service("api", port: 8080, addresses(11, from: 20))
                .service("cache", port: 6379, addresses(2, from: 40))

            let restarted = try h.freshSink()
            let writesBefore = h.api.writes.count
            let versionBefore = h.api.version
            let countersBefore = h.api.counters
            let plan = try await restarted.plan(next.catalog)
            // Planning writes nothing: the configuration version, the write log and the reload count are
            // as they were before plan() ran.
            #expect(h.api.version == versionBefore)
            #expect(h.api.writes.count == writesBefore)
            #expect(h.api.counters.reloads == countersBefore.reloads)
            try await restarted.apply(next.catalog, options: ApplyOptions())
            let performed = h.api.writes.dropFirst(writesBefore).filter { $0.server != nil }

            var planned: [String] = []
            for backend in plan.reconcile.backends {
                if version == .v3 && backend.isNewBackend {
                    // v3 (3.4): the new backend and its slots are one write of the whole section.
                    #expect(h.api.writes.dropFirst(writesBefore).contains { $0.backend == backend.backendName && $0.server == nil })
                    continue
                }
                for change in backend.changes {
                    let effect = change.kind == .runtime && !backend.isNewBackend ? "runtime" : "staged"
                    planned.append("\(backend.backendName)/\(change.slotName) \(effect)")
                }
            }
            #expect(performed.map { "\($0.backend)/\($0.server!) \($0.effect.rawValue)" }.sorted() == planned.sorted())
            #expect(!planned.isEmpty)
            try await restarted.shutdown()
        }
    }

    @Test(arguments: DataPlaneAPIVersion.allCases)
    func reloadsAreReportedWhenTheAPIHasNoRuntimeSocket(version: DataPlaneAPIVersion) async throws {
        try await withSinkHarness(version, runtimeAPIAvailable: false) { h in
            try await h.sink.apply(Self.three.catalog, options: ApplyOptions())
            let before = h.api.counters
            let joined = Self.services(web: 4)
            let report = try await h.sink.apply(joined.catalog, options: ApplyOptions())
            // Without a runtime socket the API reloads for the PUT (202 + Reload-ID); the report says so.
            #expect((h.api.counters - before).reloads == 1)
            #expect(report.reloads == 1)
            #expect(h.active("web")["srv4"] == "10.0.0.4:80")
        }
    }

    @Test(arguments: DataPlaneAPIVersion.allCases)
    func atomicModePutsEverythingInOneTransaction(version: DataPlaneAPIVersion) async throws {
        try await withSinkHarness(version, applyMode: .atomic) { h in
            try await h.sink.apply(Self.three.catalog, options: ApplyOptions())
            let before = h.api.counters
            let joined = Self.services(web: 4, api: 1)
            try await h.sink.apply(joined.catalog, options: ApplyOptions())
            let cost = h.api.counters - before

            #expect(cost.requests == 5)  // version, start, 2 PUTs, commit
            #expect(cost.commits == 1)
            #expect(cost.runtimeChanges == 0)
            #expect(h.active("web")["srv4"] == "10.0.0.4:80")
            #expect(h.active("api", port: 8080).count == 1)
        }
    }

    @Test(arguments: DataPlaneAPIVersion.allCases)
    func backendOptionsApplyAtCreationOnly(version: DataPlaneAPIVersion) async throws {
        var settings = HAProxySinkSettings(mode: .tcp)
        settings.backendOptions = ["web": ["balance": .object(["algorithm": .string("leastconn")]), "description": .string("web tier")]]
        try await withSinkHarness(version, settings: settings) { h in
            try await h.sink.apply(Catalog().service("web", addresses(1)).catalog, options: ApplyOptions())
            let backend = try #require(h.api.backend(DataPlaneSinkHarness.backendName("web")))
            #expect(backend.fields["mode"] == "tcp")
            #expect(backend.fields["balance"] == ["algorithm": "leastconn"])
            // The description is the ownership marker, exactly; a configured one cannot replace it.
            #expect(backend.description == DataPlaneBackendFormat.marker)

            // Existing backends are never modified, even when the options change.
            var changed = settings
            changed.backendOptions = ["web": ["balance": .object(["algorithm": .string("source")])]]
            let other = DataPlaneSink(
                client: try DataPlaneClient(configuration: h.server.clientConfiguration()),
                settings: changed,
                logger: quietLogger
            )
            let report = try await other.apply(Catalog().service("web", addresses(1)).catalog, options: ApplyOptions())
            #expect(report.isNoOp)
            #expect(h.api.backend(DataPlaneSinkHarness.backendName("web"))?.fields["balance"] == ["algorithm": "leastconn"])
        }
    }

    @Test(arguments: DataPlaneAPIVersion.allCases)
    func zoneRulesDecideBackupAndWeights(version: DataPlaneAPIVersion) async throws {
        var settings = HAProxySinkSettings()
        settings.serverSettings = try ServerSettingsPolicy(availabilityZone: "1", azWeightTag: "AZperc")
        try await withSinkHarness(version, settings: settings) { h in
            let catalog = Catalog().service(
                "web",
                ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"],
                zones: ["1", "2", "1", "2"],
                tags: [[:], [:], ["AZperc": "30"], ["AZperc": "30"]]
            )
            try await h.sink.apply(catalog.catalog, options: ApplyOptions())
            let byAddress = Dictionary(uniqueKeysWithValues: h.servers("web").filter { !$0.isInMaintenance }.map { ($0.address, $0) })
            #expect(byAddress["10.0.0.1"]?.fields["backup"] == nil)
            #expect(byAddress["10.0.0.1"]?.weight == 100)
            #expect(byAddress["10.0.0.2"]?.fields["backup"] == "enabled")
            #expect(byAddress["10.0.0.3"]?.weight == 70)
            #expect(byAddress["10.0.0.4"]?.weight == 30)
            #expect(byAddress["10.0.0.4"]?.fields["backup"] == nil)
        }
    }
}
