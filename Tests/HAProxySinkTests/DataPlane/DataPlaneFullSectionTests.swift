import DataPlaneTesting
import Foundation
import HAProxySink
import ProviderKit
import Testing

/// Whole backend sections (`full_section=true`, Data Plane API 3.1+): a backend read with its servers in one
/// request and created with them in one request, only where `GET /info` names a release that has it, with
/// nothing of anyone else's lost.
@Suite("Data Plane sink: whole backend sections (v3.1+)")
struct DataPlaneFullSectionTests {
    static let three = DataPlaneSinkTests.three

    static func fullSectionRequests(_ api: FakeDataPlaneAPI) -> [FakeLoggedRequest] {
        api.requestLog.filter { $0.query["full_section"] == "true" }
    }

    @Test("a first sync is one request per new backend: version, info, one read, start, one POST each, commit")
    func firstSyncCreatesEachBackendWithItsServers() async throws {
        try await withSinkHarness(.v3) { h in
            let report = try await h.sink.apply(Self.three.catalog, options: ApplyOptions())
            let cost = h.api.counters

            #expect(cost.requests == 1 + 1 + 1 + 1 + 3 + 1)
            #expect(report.requests == 8)
            #expect(cost.commits == 1)
            #expect(cost.reloads == 1)
            #expect(report.serversChanged == 30)
            #expect(h.api.requestLog.filter { $0.path.hasSuffix("/servers") }.isEmpty, "no per-server write")
            #expect(Self.fullSectionRequests(h.api).map(\.method) == ["GET", "POST", "POST", "POST"])
            #expect(h.servers("web").map(\.name) == (1...10).map { "srv\($0)" })
            #expect(h.active("web") == ["srv1": "10.0.0.1:80", "srv2": "10.0.0.2:80", "srv3": "10.0.0.3:80"])
        }
    }

    @Test("one request per backend leaves the configuration the per-server writes leave")
    func sameConfigurationAsPerServerWrites() async throws {
        let catalog = DataPlaneSinkTests.services(web: 13, api: 2).catalog
        let (perServer, perServerRequests) = try await withSinkHarness(.v3, release: "v3.0.23 a1b2c3d") { h in
            try await h.sink.apply(catalog, options: ApplyOptions())
            #expect(Self.fullSectionRequests(h.api).isEmpty, "3.0 has no full_section: never sent")
            return (h.api.configuration, h.api.counters.requests)
        }
        let (whole, wholeRequests) = try await withSinkHarness(.v3) { h in
            try await h.sink.apply(catalog, options: ApplyOptions())
            return (h.api.configuration, h.api.counters.requests)
        }
        #expect(whole == perServer)
        #expect(perServerRequests == 1 + 1 + 1 + 1 + 3 + (20 + 10 + 10) + 1)
        #expect(wholeRequests == 8)
    }

    @Test("a hand-added rule and server in discoveryd's backend survive, and the one-request read sees them")
    func handAddedChildrenSurvive() async throws {
        try await withSinkHarness(.v3) { h in
            try await h.sink.apply(Self.three.catalog, options: ApplyOptions())
            let name = DataPlaneSinkHarness.backendName("web")
            let rule: JSONValue = [["type": "set-header", "hdr_name": "X-Hand", "hdr_format": "1"]]
            let manual: [String: JSONValue] = ["name": "manual", "address": "192.0.2.7", "port": 8080, "check": "enabled"]
            h.api.editOutOfBand { config in
                var backend = config[backend: name]!
                backend.fields["http_request_rule_list"] = rule
                backend.servers.append(manual)
                config[backend: name] = backend
            }

            // A restarted daemon reads everything in one request and grows the backend past its base slots.
            let sink = try h.freshSink()
            let read = try await sink.readManagedBackends()
            #expect(read[name]?.map(\.name).contains("manual") == true)
            try await sink.apply(DataPlaneSinkTests.services(web: 11).catalog, options: ApplyOptions())

            let backend = try #require(h.api.backend(name))
            #expect(backend.fields["http_request_rule_list"] == rule)
            #expect(h.servers("web").first { $0.name == "manual" }?.fields == manual)
            #expect(h.active("web").filter { $0.key != "manual" }.count == 11)
            // A plain read (no full_section) still shows only the backend's own fields.
            let plain = try await h.client.backends().first { $0.name == name }
            #expect(plain?.fields["http_request_rule_list"] == nil)
            #expect(plain?.fields["servers"] == nil)
        }
    }

    @Test("a restarted daemon with nothing to do costs three requests: version, info, one read")
    func steadyStateReadIsOneRequest() async throws {
        try await withSinkHarness(.v3) { h in
            try await h.sink.apply(Self.three.catalog, options: ApplyOptions())
            let before = h.api.counters
            let report = try await h.freshSink().apply(Self.three.catalog, options: ApplyOptions(fullResync: true))
            let cost = h.api.counters - before
            #expect(cost.requests == 3)
            #expect(report.requests == 3)
            #expect(cost.writes == 0)
            #expect(cost.reloads == 0)
        }
    }

    @Test("an API that refuses GET /info (a proxy passing only the configuration paths) gets per-server requests")
    func refusedInfoFallsBack() async throws {
        try await withSinkHarness(.v3) { h in
            h.api.inject(FakeFault(method: "GET", pathContains: "/info", status: 404, message: "not found", times: .max))
            let report = try await h.sink.apply(Self.three.catalog, options: ApplyOptions())
            #expect(report.requests == 1 + 1 + 1 + 1 + 3 + 30 + 1)
            #expect(Self.fullSectionRequests(h.api).isEmpty)
            #expect(h.active("web").count == 3)
            // Asked once per client, not every cycle.
            _ = try await h.sink.apply(Self.three.catalog, options: ApplyOptions(fullResync: true))
            #expect(h.api.requestLog.filter { $0.path.hasSuffix("/info") }.count == 1)
        }
    }

    @Test("release strings", arguments: [
        ("v3.4.2 8613429", true), ("v3.1.0", true), ("3.2.1-ee1 abc", true), ("v3.0.23 deadbee", false),
        ("v2.9.27 b6dd9a2", false), ("nightly", false), ("v4.0.0", true),
    ])
    func releaseStrings(_ text: String, _ supported: Bool) {
        #expect((DataPlaneRelease(versionString: text)?.supportsFullSection ?? false) == supported)
    }
}
