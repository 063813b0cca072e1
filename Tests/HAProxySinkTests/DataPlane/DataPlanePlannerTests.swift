import HAProxySink
import ProviderKit
import Testing

/// The Data Plane additions to the shared plan, without HTTP.
@Suite("Data Plane planner")
struct DataPlanePlannerTests {
    static let backend = "azure-web-80-westeurope"
    let planner = DataPlanePlanner(settings: HAProxySinkSettings())
    let catalog = Catalog().service("web", ["10.0.0.1"]).catalog

    /// What a previous sync left: srv1 active, srv2...srv10 free, all in discoveryd's format.
    func synced() -> DataPlaneSnapshot {
        var servers = [DataPlaneServerFormat.server(for: ServerState(name: "srv1", address: "10.0.0.1", port: 80, weight: 100))]
        servers += (2...10).map { DataPlaneServerFormat.server(for: .placeholder(name: "srv\($0)")) }
        return DataPlaneSnapshot(
            version: 7,
            backends: [Self.backend: DataPlaneBackend(fields: ["name": .string(Self.backend), "description": "managed by discoveryd"])],
            servers: [Self.backend: servers]
        )
    }

    @Test func matchingStateIsANoOp() {
        #expect(planner.plan(catalog: catalog, snapshot: synced()).isNoOp)
    }

    @Test func parameterDriftIsAStructuralRewriteOfThatSlotOnly() throws {
        var snapshot = synced()
        snapshot.servers[Self.backend]![3].fields["check"] = "disabled"
        snapshot.servers[Self.backend]![0].fields["address"] = "10.9.9.9"
        snapshot.servers[Self.backend]![0].fields["inter"] = 500

        let plan = try #require(planner.plan(catalog: catalog, snapshot: snapshot).reconcile.backend(named: Self.backend))

        #expect(plan.changes.map(\.slotName) == ["srv1", "srv4"])
        #expect(plan.changes.allSatisfy { $0.kind == .structural })
        guard case .updateSlot(_, _, let fields) = plan.changes[0] else {
            Issue.record("expected an update of srv1")
            return
        }
        #expect(fields == [.address, .parameters])
    }

    @Test func unmarkedBackendOfTheSameNameIsLeftAloneWithAWarningToAdoptIt() {
        let snapshot = DataPlaneSnapshot(version: 3, foreignBackends: [Self.backend])
        let plan = planner.plan(catalog: catalog, snapshot: snapshot)
        #expect(plan.reconcile.backends.isEmpty)
        #expect(plan.newBackends.isEmpty)
        let warnings = plan.reconcile.warnings.filter { $0.backend == Self.backend }
        #expect(warnings.count == 1)
        #expect(warnings.first?.message.contains("carries no \"managed by discoveryd\" marker") == true)
        #expect(warnings.first?.message.contains("run `discoveryd adopt`") == true)
    }

    @Test func everyUnmarkedLookalikeIsNamedEvenWithoutAService() {
        let snapshot = DataPlaneSnapshot(
            version: 3,
            foreignBackends: ["azure-old-8080-northeurope", "azure-stats", "azure-web-westeurope"]
        )
        let plan = planner.plan(catalog: ServiceCatalog([]), snapshot: snapshot)
        #expect(plan.reconcile.warnings.compactMap(\.backend) == ["azure-old-8080-northeurope"])
    }

    @Test func newBackendCarriesItsCreationBody() {
        let plan = planner.plan(catalog: catalog, snapshot: DataPlaneSnapshot(version: 1))
        #expect(plan.newBackends[Self.backend]?["description"] == "managed by discoveryd")
        #expect(plan.reconcile.backend(named: Self.backend)?.changes.count == 10)
    }
}
