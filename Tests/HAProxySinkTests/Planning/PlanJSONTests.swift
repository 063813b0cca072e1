import Foundation
import HAProxySink
import ProviderKit
import Testing

/// `discoveryd plan --format json` per sink: the same top-level keys, each sink telling what it would do.
/// The whole documents are golden files (Fixtures/plan-json/); `DISCOVERYD_UPDATE_GOLDEN=1` rewrites them.
@Suite("Plan JSON per sink")
struct PlanJSONTests {
    static let basis = PlanBasis(
        target: "HAProxy's current backends",
        offline: false,
        discovery: PlanBasis.Discovery(
            instances: 7,
            providers: 1,
            served: 5,
            services: 3,
            leftOut: [PlanBasis.LeftOut(reason: "stopped", count: 2)]
        )
    )

    static func server(_ number: Int, slot: Int, backup: Bool = false) -> ServerState {
        ServerState(name: "srv\(slot)", address: "10.0.0.\(number)", port: 8080, weight: 100, backup: backup)
    }

    static func freeSlot(_ slot: Int) -> ServerState { .placeholder(name: "srv\(slot)", weight: 100) }

    /// Every kind of change in one plan, built by hand so that each is certainly there:
    /// - `azure-api-9090-westeurope` is not in HAProxy (vm7);
    /// - `azure-web-80-westeurope`: vm2 left srv2 and vm3 took it, vm4 fills srv3, vm1 should become a
    ///   backup, a grown slot srv11 is added for vm5, and the free srv12 is removed;
    /// - `azure-old-80-westeurope` lost its service: srv1 (vm9, stopped) is freed and a live surplus srv11 removed
    ///   (the Runtime API sink puts it in maintenance instead).
    static func plan() -> (plan: ReconcilePlan, catalog: ServiceCatalog) {
        let api = ServiceKey(name: "api", port: 9090, region: "westeurope")
        let web = ServiceKey(name: "web", port: 80, region: "westeurope")
        let newBackend = BackendPlan(
            backendName: "azure-api-9090-westeurope",
            serviceKey: api,
            servers: [server(7, slot: 1)] + (2...10).map(freeSlot),
            changes: ([server(7, slot: 1)] + (2...10).map(freeSlot)).map(ServerChange.addSlot),
            assignments: [Fixture.instanceID(7): "srv1"],
            isNewBackend: true,
            isRetired: false
        )
        let webServers = [server(1, slot: 1, backup: true), server(3, slot: 2), server(4, slot: 3)] + (4...10).map(freeSlot)
            + [server(5, slot: 11)]
        let changed = BackendPlan(
            backendName: "azure-web-80-westeurope",
            serviceKey: web,
            servers: webServers,
            changes: [
                .updateSlot(from: server(1, slot: 1), to: server(1, slot: 1, backup: true), fields: [.backup]),
                .updateSlot(from: server(2, slot: 2), to: server(3, slot: 2), fields: [.address]),
                .updateSlot(from: freeSlot(3), to: server(4, slot: 3), fields: [.address, .port, .maintenance]),
                .addSlot(server(5, slot: 11)),
                .removeSlot(freeSlot(12)),
            ],
            assignments: [
                Fixture.instanceID(1): "srv1", Fixture.instanceID(3): "srv2", Fixture.instanceID(4): "srv3",
                Fixture.instanceID(5): "srv11",
            ],
            isNewBackend: false,
            isRetired: false
        )
        let stray = ServerState(name: "srv11", address: "10.0.0.8", port: 8080, weight: 100)
        let retired = BackendPlan(
            backendName: "azure-old-80-westeurope",
            serviceKey: nil,
            servers: (1...10).map(freeSlot),
            changes: [
                .updateSlot(from: server(9, slot: 1), to: freeSlot(1), fields: [.address, .port, .maintenance]),
                .removeSlot(stray),
            ],
            assignments: [:],
            isNewBackend: false,
            isRetired: true
        )
        let catalog = ServiceCatalog([
            Fixture.service("web", [1, 3, 4, 5].map { Fixture.endpoint($0) }),
            Fixture.service("api", port: 9090, [Fixture.endpoint(7)]),
        ])
        return (ReconcilePlan(backends: [newBackend, retired, changed]), catalog)
    }

    static func document(_ mechanism: PlanRenderer.Mechanism) throws -> (json: String, object: [String: Any]) {
        let (plan, catalog) = plan()
        var names = InstanceNames(catalog)
        names.add([
            Instance(id: "vm2", name: "vm2", address: "10.0.0.2", region: "westeurope", state: .stopped, sourceKind: "test"),
            Instance(id: "vm9", name: "vm9", address: "10.0.0.9", region: "westeurope", state: .stopped, sourceKind: "test"),
        ])
        let json = try PlanRenderer.json(plan, mechanism: mechanism, names: names, basis: basis)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        return (json, object)
    }

    static let runtime = PlanRenderer.Mechanism.runtimeAPI(HAProxySinkSettings())

    @Test("both sinks' documents have the same top-level keys")
    func sameTopLevelKeys() throws {
        let dataPlane = try Self.document(.dataPlane).object
        let runtime = try Self.document(Self.runtime).object
        #expect(Set(dataPlane.keys) == Set(runtime.keys))
        #expect(
            Set(runtime.keys) == [
                "sink", "target", "offline", "discovery", "no_changes", "apply_would_fail", "counts", "backends",
                "errors", "skipped", "warnings",
            ]
        )
        #expect(dataPlane["sink"] as? String == "haproxy-dataplane")
        #expect(runtime["sink"] as? String == "haproxy-runtime")
    }

    @Test("the Runtime API document: a missing backend is an error with the haproxy.cfg lines, never a reload")
    func runtimeDocument() throws {
        let (json, object) = try Self.document(Self.runtime)
        for word in ["needs_reload", "\"kind\"", "structural", "new_backends", "slots_removed", "\"remove\""] {
            #expect(!json.contains(word), "\(word) has no place in a Runtime API plan")
        }
        #expect(object["apply_would_fail"] as? Bool == true)
        let errors = try #require(object["errors"] as? [[String: Any]])
        #expect(errors.count == 1)
        #expect(errors.first?["backend"] as? String == "azure-api-9090-westeurope")
        #expect(
            errors.first?["haproxy_cfg"] as? [String] == [
                "backend azure-api-9090-westeurope", "    mode http", "    balance roundrobin",
                "    server-template srv 10 127.0.0.1:80 disabled check weight 100",
            ]
        )
        let backends = try #require(object["backends"] as? [[String: Any]])
        let missing = try #require(backends.first { $0["name"] as? String == "azure-api-9090-westeurope" })
        #expect(missing["status"] as? String == "missing")
        #expect((missing["changes"] as? [Any])?.isEmpty == true)
        let web = try #require(backends.first { $0["name"] as? String == "azure-web-80-westeurope" })
        let changes = try #require(web["changes"] as? [[String: Any]])
        // srv1's backup difference cannot be written at runtime (a warning); the free srv12 is left as it is.
        #expect(changes.compactMap { $0["slot"] as? String } == ["srv2", "srv3", "srv11"])
        #expect(changes.compactMap { $0["instance"] as? String } == ["vm3", "vm4", "vm5"])
        #expect(changes.first?["previous_instance"] as? String == "vm2")
        #expect(web["slots_total"] as? Int == 12, "slots are never deleted")
        let warnings = try #require(object["warnings"] as? [[String: Any]])
        #expect(warnings.contains { ($0["message"] as? String)?.contains("srv1 should be a backup server") == true })
        let counts = try #require(object["counts"] as? [String: Any])
        #expect(counts["missing_backends"] as? Int == 1)
        #expect(counts["servers_changed"] as? Int == 5, "web's srv2, srv3 and srv11; the retired backend's srv1 and srv11")
        #expect(counts["slots_added"] as? Int == 1)
        try Self.expectGolden(json, "runtime.json")
    }

    @Test("the Data Plane document: a new backend is created, reloads are counted, nothing is an error")
    func dataPlaneDocument() throws {
        let (json, object) = try Self.document(.dataPlane)
        #expect(object["apply_would_fail"] as? Bool == false)
        #expect((object["errors"] as? [Any])?.isEmpty == true)
        let backends = try #require(object["backends"] as? [[String: Any]])
        let api = try #require(backends.first { $0["name"] as? String == "azure-api-9090-westeurope" })
        #expect(api["status"] as? String == "new")
        #expect(api["needs_reload"] as? Bool == true)
        let counts = try #require(object["counts"] as? [String: Any])
        #expect(counts["new_backends"] as? Int == 1)
        #expect(counts["missing_backends"] == nil)
        #expect(counts["structural_changes"] as? Int == 14)
        let old = try #require(backends.first { $0["name"] as? String == "azure-old-80-westeurope" })
        let freed = try #require((old["changes"] as? [[String: Any]])?.first)
        #expect(freed["previous_instance"] as? String == "vm9", "a stopped instance's slot is named")
        #expect(freed["instance"] == nil)
        try Self.expectGolden(json, "dataplane.json")
    }

    @Test("the basis keys say what the plan is made from and against")
    func basisKeys() throws {
        let object = try Self.document(Self.runtime).object
        #expect(object["target"] as? String == "HAProxy's current backends")
        #expect(object["offline"] as? Bool == false)
        let discovery = try #require(object["discovery"] as? [String: Any])
        #expect(discovery["served"] as? Int == 5)
        #expect((discovery["left_out"] as? [[String: Any]])?.first?["reason"] as? String == "stopped")
    }

    static let goldenDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/plan-json")

    static func expectGolden(_ json: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let file = goldenDirectory.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["DISCOVERYD_UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: goldenDirectory, withIntermediateDirectories: true)
            try (json + "\n").write(to: file, atomically: true, encoding: .utf8)
        }
        let golden = try String(contentsOf: file, encoding: .utf8)
        #expect(json + "\n" == golden, "\(file.path) differs; review, then DISCOVERYD_UPDATE_GOLDEN=1", sourceLocation: sourceLocation)
    }
}
