import DataPlaneTesting
import Foundation
import HAProxySink
import InMemoryLogging
import Logging
import ProviderKit
import Testing

/// The Data Plane sink against the fake API, for v2 and v3, with counted requests and reloads: applying catalog
/// changes here; failures, modes and ownership in the `DataPlaneSinkTests+…` files.
@Suite("Data Plane sink (v2 and v3)")
struct DataPlaneSinkTests {
    static let three = services()

    /// The suite's three services: `web` (port 80) from 10.0.0.1, `api` (8080) from 10.0.0.20 and one `db`
    /// (5432) at 10.0.0.30; tests scale `web` and `api` from the `three` baseline.
    static func services(web: Int = 3, api: Int = 2) -> Catalog {
        Catalog()
            .service("web", addresses(web))
            .service("api", port: 8080, addresses(api, from: 20))
            .service("db", port: 5432, addresses(1, from: 30))
    }

    @Test(arguments: DataPlaneAPIVersion.allCases)
    func initialSyncCreatesEverythingInOneTransaction(version: DataPlaneAPIVersion) async throws {
        try await withSinkHarness(version) { h in
            let report = try await h.sink.apply(Self.three.catalog, options: ApplyOptions())
            let cost = h.api.counters

            // v2: version + backends list + start + 3 backends + 30 servers + commit; v3 (3.4, whole sections):
            // version + info + one read + start + 3 backends with their servers + commit
            let expected = version == .v3 ? 8 : 37
            #expect(cost.requests == expected)
            #expect(report.requests == expected)
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

            let joined = Self.services(web: 4)
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
            // v2: version, backends, 3 x servers, one PUT; v3: version, info, backends with servers, one PUT
            #expect(report.requests == (version == .v3 ? 4 : 6))
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
            // Re-read: version, backends, 3 x servers (v3: backends with servers, one request); then start, PUT,
            // commit; then one PUT.
            #expect(cost.requests == (version == .v3 ? 6 : 9))

            let quiet = h.api.counters
            try await h.sink.apply(Self.three.catalog, options: ApplyOptions())
            #expect((h.api.counters - quiet).requests == 1)
        }
    }
}
