import DataPlaneTesting
import HAProxySink
import InMemoryLogging
import Logging
import ProviderKit
import Testing

/// The Data Plane sink against the fake API, for v2 and v3, with counted requests and reloads.
@Suite("Data Plane sink (v2 and v3)")
struct DataPlaneSinkTests {
    static let three = Catalog()
        .service("web", addresses(3))
        .service("api", port: 8080, addresses(2, from: 20))
        .service("db", port: 5432, addresses(1, from: 30))

    @Test(arguments: DataPlaneAPIVersion.allCases)
    func initialSyncCreatesEverythingInOneTransaction(version: DataPlaneAPIVersion) async throws {
        try await withSinkHarness(version) { h in
            let report = try await h.sink.apply(Self.three.catalog, options: ApplyOptions())
            let cost = h.api.counters

            // version + backends list + start + 3 backends + 30 servers + commit
            #expect(cost.requests == 37)
            #expect(report.requests == 37)
            #expect(cost.commits == 1)
            #expect(cost.reloads == 1)
            #expect(report.reloads == 1)
            #expect(report.serversChanged == 30)
            #expect(h.api.openTransactions.isEmpty)

            for (service, port, count) in [("web", 80, 3), ("api", 8080, 2), ("db", 5432, 1)] {
                let backend = try #require(h.api.backend(DataPlaneSinkHarness.backendName(service, port: port)))
                #expect(backend.fields["mode"] == "http")
                #expect(backend.fields["balance"] == ["algorithm": "roundrobin"])
                #expect(DataPlaneBackendFormat.isOwned(backend))
                let servers = h.servers(service, port: port)
                #expect(servers.map(\.name) == (1...10).map { "srv\($0)" })
                #expect(h.active(service, port: port).count == count)
                for server in servers {
                    // Active and free slots differ only in address, port and maintenance.
                    #expect(server.fields["check"] == "enabled")
                    #expect(server.fields["cookie"] == .string(server.name))
                    #expect(server.weight == 100)
                    if server.isInMaintenance {
                        #expect(server.address == "127.0.0.1")
                        #expect(server.port == 80)
                    } else {
                        #expect(server.port == port)
                    }
                }
            }
            #expect(h.active("web") == ["srv1": "10.0.0.1:80", "srv2": "10.0.0.2:80", "srv3": "10.0.0.3:80"])
        }
    }

    @Test(arguments: DataPlaneAPIVersion.allCases)
    func joiningInstanceIsOneRuntimeWrite(version: DataPlaneAPIVersion) async throws {
        try await withSinkHarness(version) { h in
            try await h.sink.apply(Self.three.catalog, options: ApplyOptions())
            let before = h.api.counters
            let serversBefore = h.servers("web")
            let writesBefore = h.api.writes.count

            let joined = Catalog()
                .service("web", addresses(4))
                .service("api", port: 8080, addresses(2, from: 20))
                .service("db", port: 5432, addresses(1, from: 30))
            let report = try await h.sink.apply(joined.catalog, options: ApplyOptions())
            let cost = h.api.counters - before

            #expect(cost.requests <= 3)
            #expect(cost.requests == 2)  // version + one PUT
            #expect(cost.reloads == 0)
            #expect(cost.runtimeChanges == 1)
            #expect(report.reloads == 0)
            #expect(report.serversChanged == 1)
            let writes = Array(h.api.writes.dropFirst(writesBefore))
            #expect(writes == [FakeWrite(method: "PUT", backend: DataPlaneSinkHarness.backendName("web"), server: "srv4", effect: .runtime)])
            let serversAfter = h.servers("web")
            for (old, new) in zip(serversBefore, serversAfter) where old.name != "srv4" {
                #expect(old == new)
            }
            #expect(h.active("web")["srv4"] == "10.0.0.4:80")
        }
    }

    @Test(arguments: DataPlaneAPIVersion.allCases)
    func leavingInstanceFreesItsSlotWithoutReload(version: DataPlaneAPIVersion) async throws {
        try await withSinkHarness(version) { h in
            try await h.sink.apply(Self.three.catalog, options: ApplyOptions())
            let before = h.api.counters

            let left = Catalog()
                .service("web", ["10.0.0.1", "10.0.0.3"])
                .service("api", port: 8080, addresses(2, from: 20))
                .service("db", port: 5432, addresses(1, from: 30))
            let report = try await h.sink.apply(left.catalog, options: ApplyOptions())
            let cost = h.api.counters - before

            #expect(cost.requests == 2)
            #expect(cost.reloads == 0)
            #expect(report.reloads == 0)
            // The survivors keep their slots; srv2 is a placeholder in maintenance.
            #expect(h.active("web") == ["srv1": "10.0.0.1:80", "srv3": "10.0.0.3:80"])
            let freed = try #require(h.servers("web").first { $0.name == "srv2" })
            #expect(freed.isInMaintenance)
            #expect(freed.address == "127.0.0.1")
            #expect(freed.port == 80)
        }
    }

    @Test(arguments: DataPlaneAPIVersion.allCases)
    func growthBeyondBaseIsOneTransactionAndKeepsSlotNames(version: DataPlaneAPIVersion) async throws {
        try await withSinkHarness(version) { h in
            try await h.sink.apply(Catalog().service("web", addresses(10)).catalog, options: ApplyOptions())
            let activeBefore = h.active("web")
            #expect(activeBefore.count == 10)
            let before = h.api.counters

            let report = try await h.sink.apply(Catalog().service("web", addresses(11)).catalog, options: ApplyOptions())
            let cost = h.api.counters - before

            // version + start + srv11...srv20 + commit
            #expect(cost.requests == 13)
            #expect(cost.commits == 1)
            #expect(cost.reloads == 1)
            #expect(report.reloads == 1)
            #expect(h.servers("web").count == 20)
            var expected = activeBefore
            expected["srv11"] = "10.0.0.11:80"
            #expect(h.active("web") == expected)
            #expect(h.api.openTransactions.isEmpty)
        }
    }

    @Test(arguments: DataPlaneAPIVersion.allCases)
    func shrinkingRemovesTrailingSlotsInOneTransaction(version: DataPlaneAPIVersion) async throws {
        try await withSinkHarness(version) { h in
            try await h.sink.apply(Catalog().service("web", addresses(21)).catalog, options: ApplyOptions())
            #expect(h.servers("web").count == 40)
            let staying = Set(addresses(5))
            let kept = h.active("web").filter { staying.contains(String($0.value.dropLast(3))) }
            let highest = kept.keys.compactMap { SlotName.index(of: $0) }.max() ?? 0
            let capacity = max(10, highest)
            let freedAtRuntime = h.active("web").keys.filter { SlotName.index(of: $0)! <= capacity && kept[$0] == nil }.count
            let before = h.api.counters

            let report = try await h.sink.apply(Catalog().service("web", addresses(5)).catalog, options: ApplyOptions())
            let cost = h.api.counters - before

            // The slots past the survivors are deleted in one transaction; departed ones below are freed at runtime.
            #expect(capacity < 20)
            #expect(cost.commits == 1)
            #expect(cost.reloads == 1)
            #expect(cost.runtimeChanges == freedAtRuntime)
            #expect(cost.requests == 1 + 1 + (40 - capacity) + 1 + freedAtRuntime)
            #expect(cost.requests == 38)  // with these instance ids: 17 slots kept, 23 deleted, 12 freed
            #expect(report.serversChanged == (40 - capacity) + freedAtRuntime)
            #expect(h.servers("web").map(\.name) == (1...capacity).map { "srv\($0)" })
            // Nobody who stayed moved.
            #expect(h.active("web") == kept)
        }
    }

    @Test(arguments: DataPlaneAPIVersion.allCases)
    func addressChangeOfLiveInstanceIsAppliedInPlace(version: DataPlaneAPIVersion) async throws {
        try await withSinkHarness(version) { h in
            let before = Catalog().service("web", endpoints: [("vm-a", "10.0.0.1"), ("vm-b", "10.0.0.2")])
            try await h.sink.apply(before.catalog, options: ApplyOptions())
            let counters = h.api.counters

            let moved = Catalog().service("web", endpoints: [("vm-a", "10.0.0.1"), ("vm-b", "10.0.0.99")])
            try await h.sink.apply(moved.catalog, options: ApplyOptions())
            let cost = h.api.counters - counters

            #expect(cost.requests == 2)
            #expect(cost.reloads == 0)
            #expect(h.active("web") == ["srv1": "10.0.0.1:80", "srv2": "10.0.0.99:80"])
        }
    }

    @Test(arguments: DataPlaneAPIVersion.allCases)
    func removedServiceGoesToMaintenanceAndKeepsItsBackend(version: DataPlaneAPIVersion) async throws {
        try await withSinkHarness(version) { h in
            try await h.sink.apply(Self.three.catalog, options: ApplyOptions())
            let before = h.api.counters

            let withoutAPI = Catalog().service("web", addresses(3)).service("db", port: 5432, addresses(1, from: 30))
            try await h.sink.apply(withoutAPI.catalog, options: ApplyOptions())
            let cost = h.api.counters - before

            #expect(cost.requests == 3)  // version + two PUTs
            #expect(cost.reloads == 0)
            #expect(h.api.backend(DataPlaneSinkHarness.backendName("api", port: 8080)) != nil)
            let servers = h.servers("api", port: 8080)
            #expect(servers.count == 10)
            #expect(servers.allSatisfy { $0.isInMaintenance && $0.address == "127.0.0.1" && $0.port == 80 })
        }
    }

    @Test(arguments: DataPlaneAPIVersion.allCases)
    func restartedSinkRetiresServicesThatVanishedWhileItWasDown(version: DataPlaneAPIVersion) async throws {
        try await withSinkHarness(version) { h in
            try await h.sink.apply(Self.three.catalog, options: ApplyOptions())

            let restarted = try h.freshSink()
            let withoutDB = Catalog().service("web", addresses(3)).service("api", port: 8080, addresses(2, from: 20))
            let report = try await restarted.apply(withoutDB.catalog, options: ApplyOptions(fullResync: true))

            #expect(report.reloads == 0)
            #expect(report.serversChanged == 1)
            #expect(report.requests == 6)  // version, backends, 3 x servers, one PUT
            #expect(h.active("db", port: 5432).isEmpty)
            // The others were recognised by address and port: nothing moved.
            #expect(h.active("web") == ["srv1": "10.0.0.1:80", "srv2": "10.0.0.2:80", "srv3": "10.0.0.3:80"])
            try await restarted.shutdown()
        }
    }

    @Test(arguments: DataPlaneAPIVersion.allCases)
    func noOpCycleCostsOneRequestAndWritesNothing(version: DataPlaneAPIVersion) async throws {
        try await withSinkHarness(version) { h in
            try await h.sink.apply(Self.three.catalog, options: ApplyOptions())
            let before = h.api.counters
            let versionBefore = h.api.version

            let report = try await h.sink.apply(Self.three.catalog, options: ApplyOptions())
            let cost = h.api.counters - before

            #expect(cost.requests == 1)
            #expect(cost.writes == 0)
            #expect(report.isNoOp)
            #expect(report.requests == 1)
            #expect(h.api.version == versionBefore)
        }
    }

    @Test(arguments: DataPlaneAPIVersion.allCases)
    func outOfBandEditIsRepairedNextCycle(version: DataPlaneAPIVersion) async throws {
        try await withSinkHarness(version) { h in
            try await h.sink.apply(Self.three.catalog, options: ApplyOptions())
            let web = DataPlaneSinkHarness.backendName("web")
            // Someone re-points srv1 and puts it in maintenance, and strips the health check off srv5.
            h.api.editOutOfBand { config in
                var backend = config[backend: web]!
                backend.servers[0]["address"] = "192.168.1.1"
                backend.servers[0]["maintenance"] = "enabled"
                backend.servers[4]["check"] = nil
                config[backend: web] = backend
            }
            let before = h.api.counters
            let writesBefore = h.api.writes.count

            let report = try await h.sink.apply(Self.three.catalog, options: ApplyOptions())
            let cost = h.api.counters - before

            #expect(h.active("web") == ["srv1": "10.0.0.1:80", "srv2": "10.0.0.2:80", "srv3": "10.0.0.3:80"])
            #expect(h.servers("web")[4].fields["check"] == "enabled")
            let writes = Array(h.api.writes.dropFirst(writesBefore))
            // srv5's check is not runtime-capable: a transaction; srv1 is re-addressed at runtime.
            #expect(writes == [
                FakeWrite(method: "PUT", backend: web, server: "srv5", effect: .staged),
                FakeWrite(method: "PUT", backend: web, server: "srv1", effect: .runtime),
            ])
            #expect(cost.reloads == 1)
            #expect(report.serversChanged == 2)
            // Re-read: version, backends, 3 x servers; then start, PUT, commit; then one PUT.
            #expect(cost.requests == 9)

            let quiet = h.api.counters
            try await h.sink.apply(Self.three.catalog, options: ApplyOptions())
            #expect((h.api.counters - quiet).requests == 1)
        }
    }

    @Test(arguments: DataPlaneAPIVersion.allCases)
    func conflictOnCommitIsRetriedWithAFreshTransaction(version: DataPlaneAPIVersion) async throws {
        try await withSinkHarness(version) { h in
            h.api.interfereBeforeCommits(1, with: .outOfBandWrite)
            h.api.interfereBeforeCommits(1, with: .competingTransaction)

            let report = try await h.sink.apply(Self.three.catalog, options: ApplyOptions())

            #expect(h.api.counters.commits == 1)
            #expect(report.reloads == 1)
            // Two failed attempts (read, 33 staged writes, commit, delete: 38 each), then the 37 of a clean sync.
            #expect(report.requests == 38 + 38 + 37)
            // Only the attempt HAProxy accepted is reported.
            #expect(report.serversChanged == 30)
            #expect(report.changes.filter { $0.hasPrefix("created backend") }.count == 3)
            #expect(h.api.undeletedTransactions.isEmpty)
            #expect(h.active("web").count == 3)
            #expect(h.servers("api", port: 8080).count == 10)
            let log = h.api.requestLog
            #expect(log.filter { $0.method == "PUT" && $0.path.contains("/transactions/") }.map(\.status) == [409, 406, 202])
            #expect(log.filter { $0.method == "DELETE" && $0.path.contains("/transactions/") }.count == 2)
        }
    }

    @Test(arguments: DataPlaneAPIVersion.allCases)
    func persistentConflictFailsWithNothingHalfApplied(version: DataPlaneAPIVersion) async throws {
        try await withSinkHarness(version) { h in
            h.api.interfereBeforeCommits(100, with: .outOfBandWrite)

            let error = try await #require(throws: DataPlaneError.self) {
                try await h.sink.apply(Self.three.catalog, options: ApplyOptions())
            }
            #expect(error.code == .retriesExhausted)
            #expect(h.api.counters.requests == 4 * 38)  // first attempt and 3 retries, each deleting its transaction
            #expect(error.apiMessage.contains("version mismatch"))
            #expect(h.api.configuration.orderedBackends.isEmpty)
            #expect(h.api.undeletedTransactions.isEmpty)
            #expect(h.api.counters.commits == 0)
            #expect(h.api.requestLog.filter { $0.path.contains("/transactions/") && $0.method == "PUT" }.count == 4)

            // The change was not forgotten: the next cycle applies all of it.
            h.api.clearFaults()
            try await h.sink.apply(Self.three.catalog, options: ApplyOptions())
            #expect(h.active("web").count == 3)
            #expect(h.active("db", port: 5432).count == 1)
        }
    }

    @Test(arguments: DataPlaneAPIVersion.allCases)
    func serverErrorMidTransactionAbortsIt(version: DataPlaneAPIVersion) async throws {
        try await withSinkHarness(version) { h in
            h.api.inject(FakeFault(method: "POST", pathContains: "servers", status: 500, message: "cannot write haproxy.cfg: disk full"))

            let error = try await #require(throws: DataPlaneError.self) {
                try await h.sink.apply(Self.three.catalog, options: ApplyOptions())
            }
            #expect(error.code == .serverError)
            #expect(error.apiMessage == "cannot write haproxy.cfg: disk full")
            // version, backends, start, the first backend, its first server (fails), delete
            #expect(h.api.counters.requests == 6)
            #expect(h.api.counters.reloads == 0)
            #expect(h.api.undeletedTransactions.isEmpty)
            #expect(h.api.configuration.orderedBackends.isEmpty)

            try await h.sink.apply(Self.three.catalog, options: ApplyOptions())
            #expect(h.active("web").count == 3)
        }
    }

    @Test(arguments: DataPlaneAPIVersion.allCases)
    func abortedTransactionIsLoggedWithTheAPIMessageAndNoSecret(version: DataPlaneAPIVersion) async throws {
        try await withSinkHarness(version) { h in
            let logs = InMemoryLogHandler()
            var logger = Logger(label: "test", factory: { _ in logs })
            logger.logLevel = .trace
            let client = try DataPlaneClient(configuration: h.server.clientConfiguration(), logger: logger)
            let sink = DataPlaneSink(client: client, settings: h.settings, logger: logger)
            h.api.inject(FakeFault(method: "PUT", pathContains: "/transactions/", status: 500, message: "reload failed: haproxy -c exited 1"))

            await #expect(throws: DataPlaneError.self) {
                try await sink.apply(Self.three.catalog, options: ApplyOptions())
            }
            let lines = logs.entries.map { "\($0.message) \($0.metadata)" }
            #expect(lines.contains { $0.contains("aborting transaction") && $0.contains("reload failed: haproxy -c exited 1") })
            #expect(!lines.contains { $0.contains(h.api.password) })
            #expect(h.api.undeletedTransactions.isEmpty)
        }
    }

    @Test(arguments: DataPlaneAPIVersion.allCases)
    func failedRuntimeWriteIsRetriedNextCycle(version: DataPlaneAPIVersion) async throws {
        try await withSinkHarness(version) { h in
            try await h.sink.apply(Self.three.catalog, options: ApplyOptions())
            let joined = Catalog()
                .service("web", addresses(4))
                .service("api", port: 8080, addresses(2, from: 20))
                .service("db", port: 5432, addresses(1, from: 30))
            h.api.inject(FakeFault(method: "PUT", pathContains: "srv4", status: nil))

            let error = try await #require(throws: DataPlaneError.self) {
                try await h.sink.apply(joined.catalog, options: ApplyOptions())
            }
            #expect(error.code == .transport)
            #expect(h.active("web")["srv4"] == nil)

            try await h.sink.apply(joined.catalog, options: ApplyOptions())
            #expect(h.active("web")["srv4"] == "10.0.0.4:80")
        }
    }

    @Test(arguments: DataPlaneAPIVersion.allCases)
    func planShowsWhatTheSinkThenDoes(version: DataPlaneAPIVersion) async throws {
        try await withSinkHarness(version) { h in
            try await h.sink.apply(Self.three.catalog, options: ApplyOptions())
            let next = Catalog()
                .service("web", ["10.0.0.1", "10.0.0.3", "10.0.0.4"])
                .service("api", port: 8080, addresses(11, from: 20))
                .service("cache", port: 6379, addresses(2, from: 40))

            let restarted = try h.freshSink()
            let plan = try await restarted.plan(next.catalog)
            let writesBefore = h.api.writes.count
            let versionBefore = h.api.version
            #expect(h.api.version == versionBefore)  // planning writes nothing
            try await restarted.apply(next.catalog, options: ApplyOptions())
            let performed = h.api.writes.dropFirst(writesBefore).filter { $0.server != nil }

            var planned: [String] = []
            for backend in plan.reconcile.backends {
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
            let joined = Catalog()
                .service("web", addresses(4))
                .service("api", port: 8080, addresses(2, from: 20))
                .service("db", port: 5432, addresses(1, from: 30))
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
            let joined = Catalog()
                .service("web", addresses(4))
                .service("api", port: 8080, addresses(1, from: 20))
                .service("db", port: 5432, addresses(1, from: 30))
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
            #expect(backend.description == "web tier (\(DataPlaneBackendFormat.marker))")

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
    func backendsWithoutTheMarkerAreNeverTouched(version: DataPlaneAPIVersion) async throws {
        try await withSinkHarness(version) { h in
            let web = DataPlaneSinkHarness.backendName("web")
            let stranger = "azure-legacy-80-westeurope"
            h.api.editOutOfBand { config in
                config[backend: web] = .init(fields: ["name": .string(web)], servers: [["name": "srv1", "address": "10.1.1.1", "port": 80]])
                config[backend: stranger] = .init(fields: ["name": .string(stranger)], servers: [["name": "srv1", "address": "10.1.1.2", "port": 80]])
            }
            let before = h.api.configuration

            try await h.sink.apply(Self.three.catalog, options: ApplyOptions())

            #expect(h.api.configuration[backend: web] == before[backend: web])
            #expect(h.api.configuration[backend: stranger] == before[backend: stranger])
            #expect(h.active("api", port: 8080).count == 2)
            #expect(!h.api.writes.contains { $0.backend == web || $0.backend == stranger })
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
