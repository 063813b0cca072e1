import HAProxySink
import ProviderKit
import Testing

/// `discoveryd plan` describes what the configured sink would do: the Runtime API sink never creates a
/// backend and never reloads; every change line names the instance.
@Suite("Plan text per sink")
struct SinkPlanTextTests {
    let planner = ReconcilePlanner()

    /// vm1 and vm2 served `web`; vm2 is gone and vm3 arrives. `api` (vm7) has no backend in HAProxy yet.
    func scenario() -> (plan: ReconcilePlan, catalog: ServiceCatalog) {
        let before = ServiceCatalog([Fixture.service("web", [Fixture.endpoint(1), Fixture.endpoint(2)])])
        let first = planner.plan(catalog: before, actual: [:])
        let catalog = ServiceCatalog([
            Fixture.service("web", [Fixture.endpoint(1), Fixture.endpoint(3)]),
            Fixture.service("api", port: 9090, [Fixture.endpoint(7, port: 9090)]),
        ])
        let plan = planner.plan(catalog: catalog, actual: Fixture.applied(first), previousAssignments: first.assignments)
        return (plan, catalog)
    }

    @Test("the Runtime API plan shows a missing backend as an error with the haproxy.cfg lines, and no reloads")
    func runtimeAPIPlan() {
        let (plan, catalog) = scenario()
        let shown = HAProxyPlan(plan, catalog: catalog, mechanism: .runtimeAPI(HAProxySinkSettings()))
        #expect(
            shown.text == """
                BACKEND                    STATUS     SLOTS
                azure-api-9090-westeurope  MISSING    1/10
                  error: HAProxy has no backend azure-api-9090-westeurope and the Runtime API cannot create one; \
                add these lines to haproxy.cfg and reload HAProxy once:
                      backend azure-api-9090-westeurope
                          mode http
                          balance roundrobin
                          server-template srv 10 127.0.0.1:80 disabled check weight 100
                azure-web-80-westeurope    changed    2/10
                  srv2: 10.0.0.2:8080 → vm3 10.0.0.3:8080
                1 changed, 0 retired, 0 unchanged backends; 1 server change through the Runtime API; error: 1 \
                backend is missing from HAProxy, so the apply would fail (the other backends are still updated)

                """
        )
        #expect(!shown.text.contains("reload HAProxy\n") && !shown.text.contains("need a reload"))
        #expect(!shown.text.contains(" new "))
        #expect(shown.applyWouldFail)
    }

    @Test("the Data Plane plan creates the backend and says which changes need a reload")
    func dataPlanePlan() {
        let (plan, catalog) = scenario()
        let shown = HAProxyPlan(plan, catalog: catalog, mechanism: .dataPlane)
        let lines = shown.text.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("azure-api-9090-westeurope") && $0.contains("new") })
        #expect(lines.contains("  srv1:  new slot → vm7 10.0.0.7:9090"))
        #expect(lines.contains("  srv2: 10.0.0.2:8080 → vm3 10.0.0.3:8080"))
        #expect(lines.last?.contains("need a reload") == true)
        #expect(!shown.applyWouldFail)
    }

    @Test("a freed slot names the stopped instance that held it")
    func freedSlotNamesTheInstance() {
        let catalog = ServiceCatalog([Fixture.service("web", [Fixture.endpoint(1), Fixture.endpoint(2)])])
        let first = planner.plan(catalog: catalog, actual: [:])
        let after = ServiceCatalog([Fixture.service("web", [Fixture.endpoint(1)])])
        let plan = planner.plan(catalog: after, actual: Fixture.applied(first), previousAssignments: first.assignments)
        let stopped = Instance(
            id: Fixture.instanceID(2), name: "vm2", address: "10.0.0.2", region: "westeurope", state: .stopped,
            sourceKind: "static"
        )
        let shown = HAProxyPlan(plan, catalog: after, mechanism: .runtimeAPI(HAProxySinkSettings()))
        #expect(shown.text.contains("  srv2: 10.0.0.2:8080 → free\n"))
        #expect(shown.naming([stopped]).text.contains("  srv2: vm2 10.0.0.2:8080 → free\n"))
        #expect(!shown.applyWouldFail)
    }
}
