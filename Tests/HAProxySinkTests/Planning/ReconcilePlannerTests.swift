import HAProxySink
import ProviderKit
import Testing

@Suite("Reconcile planner")
struct ReconcilePlannerTests {
    let planner = ReconcilePlanner()
    let web = "azure-web-80-westeurope"
    let api = "azure-api-443-westeurope"

    func catalog(web webNumbers: [Int], api apiNumbers: [Int] = []) -> ServiceCatalog {
        var services = [Fixture.service("web", port: 80, webNumbers.map { Fixture.endpoint($0) })]
        if !apiNumbers.isEmpty {
            services.append(Fixture.service("api", port: 443, apiNumbers.map { Fixture.endpoint($0, port: 8443) }))
        }
        return ServiceCatalog(services)
    }

    @Test func createsABackendPerServiceAgainstAnEmptyHAProxy() throws {
        let plan = planner.plan(catalog: catalog(web: [1, 2, 3], api: [4]), actual: [:])
        #expect(plan.backends.map(\.backendName) == [api, web])
        #expect(plan.backends.allSatisfy { $0.status == .new })
        #expect(plan.counts.newBackends == 2)
        #expect(plan.counts.slotsAdded == 20)
        #expect(plan.counts.structuralChanges == 20)
        #expect(plan.counts.runtimeChanges == 0)
        #expect(plan.counts.slotsUsed == 4)
        #expect(!plan.isNoOp)
        let apiServers = try #require(plan.backend(named: api)).servers
        #expect(apiServers.first?.endpointDescription == "10.0.0.4:8443")
    }

    @Test func aNewBackendsChangesAddEveryPlannedServerInOrderAndCanBeReplaced() throws {
        var backend = try #require(planner.plan(catalog: catalog(web: [1, 2, 3]), actual: [:]).backend(named: web))
        #expect(backend.changes == backend.servers.map(ServerChange.addSlot))
        #expect(backend.changes.map(\.slotName) == (1...10).map { "srv\($0)" })
        #expect(backend.changeCount == 10)
        #expect(backend.needsStructuralChange)
        var relisted = backend
        relisted.changes = backend.changes
        #expect(relisted == backend, "plans compare by their changes, however they are kept")
        #expect(relisted.hashValue == backend.hashValue)
        // A sink that rewrites the changes (the Data Plane sink repairs parameters) reads back what it wrote.
        let rewritten = Array(backend.changes.prefix(2))
        backend.changes = rewritten
        #expect(backend.changes == rewritten)
        #expect(backend.changeCount == 2)
        #expect(backend.status == .new)
    }

    @Test func secondPlanAgainstTheAppliedResultIsANoOp() {
        let catalog = catalog(web: Array(1...25), api: [30, 31])
        let first = planner.plan(catalog: catalog, actual: [:])
        let second = planner.plan(
            catalog: catalog,
            actual: Fixture.applied(first),
            previousAssignments: first.assignments
        )
        #expect(second.isNoOp)
        #expect(second.counts.serversChanged == 0)
        #expect(second.backends.allSatisfy { $0.status == .unchanged })
        #expect(second.assignments == first.assignments)
        // A fresh sink (no cache) reaches the same conclusion.
        #expect(planner.plan(catalog: catalog, actual: Fixture.applied(first)).isNoOp)
    }

    @Test func vanishedServiceIsRetiredNotDeleted() throws {
        let first = planner.plan(catalog: catalog(web: [1, 2], api: [3, 4, 5]), actual: [:])
        let plan = planner.plan(
            catalog: catalog(web: [1, 2]),
            actual: Fixture.applied(first),
            previousAssignments: first.assignments
        )
        let retired = try #require(plan.backend(named: api))
        #expect(retired.status == .retired)
        #expect(retired.serviceKey == nil)
        #expect(retired.slotsTotal == 10)
        #expect(retired.servers.allSatisfy { $0.isPlaceholder && $0.weight == 100 && !$0.backup })
        #expect(retired.changes.count == 3)
        #expect(retired.changes.allSatisfy { $0.kind == .runtime })
        #expect(!retired.changes.contains { if case .removeSlot = $0 { true } else { false } })
        #expect(plan.counts.retiredBackends == 1)
        #expect(plan.backend(named: web)?.status == .unchanged)

        // Retired and drained: stays, with nothing more to do.
        let again = planner.plan(
            catalog: catalog(web: [1, 2]),
            actual: Fixture.applied(plan),
            previousAssignments: plan.assignments
        )
        #expect(again.isNoOp)
        #expect(again.backend(named: api)?.status == .retired)
    }

    @Test func backendsNotManagedByUsAreIgnored() {
        let foreign = ["static-web": [ServerState(name: "s1", address: "10.1.1.1", port: 80, weight: 1)]]
        let plan = planner.plan(catalog: ServiceCatalog(), actual: foreign)
        #expect(plan.backends.isEmpty)
        #expect(plan.isNoOp)
    }

    @Test func unusableAndCollidingNamesAreSkippedWithTheReason() throws {
        let catalog = ServiceCatalog([
            Fixture.service("web app", [Fixture.endpoint(1)]),
            Fixture.service("web_app", [Fixture.endpoint(2)]),
            Fixture.service("日本", [Fixture.endpoint(3)]),
        ])
        let plan = planner.plan(catalog: catalog, actual: [:])
        #expect(plan.backends.map(\.backendName) == ["azure-web_app-80-westeurope"])
        // Sorted order decides the owner: "web app" < "web_app".
        #expect(plan.backends.first?.serviceKey?.name == "web app")
        #expect(plan.skipped.count == 2)
        let collision = try #require(plan.skipped.first { $0.key.name == "web_app" })
        #expect(
            collision.reason
                == .nameCollision(
                    backend: "azure-web_app-80-westeurope",
                    with: ServiceKey(name: "web app", port: 80, region: "westeurope")
                )
        )
        let unusable = try #require(plan.skipped.first { $0.key.name == "日本" })
        guard case .unusableName = unusable.reason else {
            Issue.record("expected an unusable name, got \(unusable.reason)")
            return
        }
        #expect(plan.warnings.contains { $0.message.contains("web app") })
        #expect(plan.counts.skippedServices == 2)
    }

    @Test func zoneRulesFlowIntoTheServersAndABackupFlipIsStructural() throws {
        let settings = HAProxySinkSettings(serverSettings: try ServerSettingsPolicy(availabilityZone: "1"))
        let planner = ReconcilePlanner(settings: settings)
        let service = Fixture.service("web", [Fixture.endpoint(1, zone: "1"), Fixture.endpoint(2, zone: "2")])
        let first = planner.plan(catalog: ServiceCatalog([service]), actual: [:])
        let servers = try #require(first.backend(named: web)).servers
        #expect(servers[0].backup == false)
        #expect(servers[1].backup == true)

        // vm2 moves into HAProxy's zone: its backup flag goes, which needs a reload.
        let moved = Fixture.service("web", [Fixture.endpoint(1, zone: "1"), Fixture.endpoint(2, zone: "1")])
        let second = planner.plan(
            catalog: ServiceCatalog([moved]),
            actual: Fixture.applied(first),
            previousAssignments: first.assignments
        )
        #expect(second.counts.serversChanged == 1)
        #expect(second.counts.structuralChanges == 1)
        #expect(second.backend(named: web)?.needsStructuralChange == true)
    }

    @Test func runtimeAndStructuralChangesAreCounted() {
        let first = planner.plan(catalog: catalog(web: Array(1...10)), actual: [:])
        // One leaves, one joins (runtime, in place), then growth past 10 adds slots (structural).
        let plan = planner.plan(
            catalog: catalog(web: Array(2...12)),
            actual: Fixture.applied(first),
            previousAssignments: first.assignments
        )
        #expect(plan.counts.slotsAdded == 10)
        #expect(plan.counts.serversUpdated == 1)
        #expect(plan.counts.runtimeChanges == 1)
        #expect(plan.counts.structuralChanges == 10)
        #expect(plan.counts.serversChanged == 11)
        #expect(plan.counts.changedBackends == 1)
    }

    @Test func weightTagWarningsReachThePlan() throws {
        let settings = HAProxySinkSettings(
            serverSettings: try ServerSettingsPolicy(availabilityZone: "1", azWeightTag: "AZperc")
        )
        let service = Fixture.service("web", [Fixture.endpoint(1, zone: "2", tags: ["AZperc": "lots"])])
        let plan = ReconcilePlanner(settings: settings).plan(catalog: ServiceCatalog([service]), actual: [:])
        #expect(plan.warnings.count == 1)
        #expect(plan.warnings.first?.backend == web)
        #expect(plan.backend(named: web)?.warnings.count == 1)
    }

    @Test("warnings of retired backends come in backend-name order, the same on every run")
    func retiredBackendsWarnInNameOrder() {
        let names = (0..<12).map { "azure-gone\($0)-80-westeurope" }
        var actual: [String: [ServerState]] = [:]
        for name in names {
            actual[name] = [ServerState(name: "foreign", address: "192.0.2.1", port: 80, weight: 1)]
        }
        let plan = planner.plan(catalog: ServiceCatalog(), actual: actual)
        #expect(plan.backends.map(\.backendName) == names.sorted())
        let warned = plan.warnings.compactMap(\.backend)
        #expect(warned == warned.sorted())
        #expect(Set(warned) == Set(names))
    }
}

