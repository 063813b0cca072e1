import DataPlaneTesting
import Foundation
import HAProxySink
import ProviderKit
import Testing

/// Graceful drain through the Data Plane sink against the fake API (v2 and v3): the drain is HAProxy
/// runtime state (`admin_state` on the runtime server endpoint), so starting and ending it costs no
/// configuration version and no reload; freeing the slot when the drain expired is the usual runtime `PUT`.
@Suite("Data Plane sink: graceful drain")
struct DataPlaneDrainTests {
    static let backend = DataPlaneSinkHarness.backendName("web")

    func withDrainingSink(
        _ version: DataPlaneAPIVersion,
        _ body: (FakeDataPlaneAPI, DataPlaneSink, ManualTime) async throws -> Void
    ) async throws {
        try await withFakeDataPlane(version) { api, _, client in
            let time = ManualTime()
            let settings = HAProxySinkSettings(drainPolicy: try DrainPolicy(seconds: 60))
            let sink = DataPlaneSink(client: client, settings: settings, logger: quietLogger, now: { time.now })
            try await body(api, sink, time)
        }
    }

    func catalog(_ addresses: [String]) -> ServiceCatalog {
        Catalog().service("web", addresses).catalog
    }

    @Test(arguments: DataPlaneAPIVersion.allCases)
    func drainStartsAndEndsAtRuntimeAndExpiresIntoMaintenance(version: DataPlaneAPIVersion) async throws {
        try await withDrainingSink(version) { api, sink, time in
            try await sink.apply(catalog(addresses(3)), options: ApplyOptions())
            let configured = api.servers(in: Self.backend)
            let versionBefore = api.version
            var before = api.counters

            // 10.0.0.2 leaves: its slot drains; nothing in the configuration changes.
            let leaving = try await sink.apply(catalog(["10.0.0.1", "10.0.0.3"]), options: ApplyOptions())
            var cost = api.counters - before
            #expect(cost.requests == 2, "configuration version + runtime PUT admin_state")
            #expect(cost.reloads == 0 && cost.writes == 0)
            #expect(leaving.serversChanged == 1 && leaving.runtimeChanges == 1 && leaving.reloads == 0)
            #expect(api.version == versionBefore, "runtime state bumps no configuration version")
            #expect(api.adminState(backend: Self.backend, server: "srv2") == "drain")
            #expect(api.servers(in: Self.backend) == configured)
            #expect(leaving.slots[Self.backend] == SlotUsage(used: 2, total: 10, draining: 1))
            #expect(leaving.revisitAfter == .milliseconds(60_250))

            // While it drains, a cycle re-reads the drained backend's runtime state and writes nothing.
            before = api.counters
            time.advance(by: 30)
            let steady = try await sink.apply(catalog(["10.0.0.1", "10.0.0.3"]), options: ApplyOptions())
            cost = api.counters - before
            #expect(cost.requests == 2, "configuration version + runtime servers of the draining backend")
            #expect(steady.serversChanged == 0)
            #expect(steady.revisitAfter == .milliseconds(30_250))

            // The instance is back: ready again in srv2, by the same runtime endpoint.
            before = api.counters
            let back = try await sink.apply(catalog(addresses(3)), options: ApplyOptions())
            cost = api.counters - before
            #expect(cost.requests == 3)
            #expect(back.serversChanged == 1 && cost.reloads == 0)
            #expect(api.adminState(backend: Self.backend, server: "srv2") == "ready")
            #expect(api.version == versionBefore)

            // It leaves again and the drain runs out: the slot is freed with the usual runtime PUT.
            try await sink.apply(catalog(["10.0.0.1", "10.0.0.3"]), options: ApplyOptions())
            time.advance(by: 61)
            before = api.counters
            let expired = try await sink.apply(catalog(["10.0.0.1", "10.0.0.3"]), options: ApplyOptions())
            cost = api.counters - before
            #expect(cost.reloads == 0 && cost.runtimeChanges == 1)
            #expect(expired.serversChanged == 1)
            let srv2 = try #require(api.servers(in: Self.backend).first { $0.name == "srv2" })
            #expect(srv2.isInMaintenance && srv2.address == "127.0.0.1" && srv2.port == 80)
            #expect(api.adminState(backend: Self.backend, server: "srv2") == "maint")
            #expect(expired.slots[Self.backend] == SlotUsage(used: 2, total: 10, draining: 0))
        }
    }

    @Test(arguments: DataPlaneAPIVersion.allCases)
    func aDrainLostToAReloadIsSetAgain(version: DataPlaneAPIVersion) async throws {
        try await withDrainingSink(version) { api, sink, _ in
            try await sink.apply(catalog(addresses(3)), options: ApplyOptions())
            try await sink.apply(catalog(["10.0.0.1", "10.0.0.2"]), options: ApplyOptions())
            #expect(api.adminState(backend: Self.backend, server: "srv3") == "drain")

            // Someone else's write reloads HAProxy: the runtime drain is gone, srv3 would take traffic again.
            api.editOutOfBand { _ in }
            #expect(api.adminState(backend: Self.backend, server: "srv3") == "ready")
            let repaired = try await sink.apply(catalog(["10.0.0.1", "10.0.0.2"]), options: ApplyOptions())
            #expect(repaired.serversChanged == 1 && repaired.reloads == 0)
            #expect(api.adminState(backend: Self.backend, server: "srv3") == "drain")
        }
    }

    @Test(arguments: DataPlaneAPIVersion.allCases)
    func aDrainingSlotReadingMaintIsLeftAlone(version: DataPlaneAPIVersion) async throws {
        try await withFakeDataPlane(version) { api, _, client in
            let time = ManualTime()
            let settings = HAProxySinkSettings(drainPolicy: try DrainPolicy(seconds: 60))
            let sink = DataPlaneSink(client: client, settings: settings, logger: quietLogger, now: { time.now })
            try await sink.apply(catalog(addresses(3)), options: ApplyOptions())
            try await sink.apply(catalog(["10.0.0.1", "10.0.0.2"]), options: ApplyOptions())
            // Someone (or Data Plane API 2.6.5, which reads every admin_state as maint) shows it in maintenance:
            // it takes no new connections either, so nothing is written.
            try await client.setRuntimeAdminState("maint", server: "srv3", inBackend: Self.backend)
            let before = api.counters
            let report = try await sink.apply(catalog(["10.0.0.1", "10.0.0.2"]), options: ApplyOptions())
            #expect(report.serversChanged == 0)
            #expect((api.counters - before).runtimeChanges == 0)
        }
    }

    @Test(arguments: DataPlaneAPIVersion.allCases)
    func aRestartedSinkAdoptsADrainItFindsAndAPlanShowsIt(version: DataPlaneAPIVersion) async throws {
        try await withFakeDataPlane(version) { api, server, client in
            let time = ManualTime()
            let settings = HAProxySinkSettings(drainPolicy: try DrainPolicy(seconds: 60))
            let first = DataPlaneSink(client: client, settings: settings, logger: quietLogger, now: { time.now })
            try await first.apply(catalog(addresses(3)), options: ApplyOptions())
            try await first.apply(catalog(["10.0.0.1", "10.0.0.2"]), options: ApplyOptions())

            time.advance(by: 50)
            let restarted = DataPlaneSink(
                client: try DataPlaneClient(configuration: server.clientConfiguration(), logger: quietLogger),
                settings: settings, logger: quietLogger, now: { time.now }
            )
            let adopted = try await restarted.apply(catalog(["10.0.0.1", "10.0.0.2"]), options: ApplyOptions(fullResync: true))
            #expect(adopted.serversChanged == 0, "found draining, it keeps draining")
            let plan = try await restarted.planChanges(for: catalog(["10.0.0.1", "10.0.0.2"]))
            // The deadline restarted with the sink: 60 s from its first look.
            #expect(plan.text.contains("srv3: 10.0.0.3:80 draining (until 2027-01-15T08:01:50Z)"))
            #expect(try plan.json(basis: PlanJSONTests.basis).contains("\"until\" : \"2027-01-15T08:01:50Z\""))
            #expect(api.adminState(backend: Self.backend, server: "srv3") == "drain")
        }
    }
}
