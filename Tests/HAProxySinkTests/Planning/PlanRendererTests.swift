import Foundation
import HAProxySink
import ProviderKit
import Testing

@Suite("Plan rendering")
struct PlanRendererTests {
    let planner = ReconcilePlanner()

    func twoCycles() -> (first: ReconcilePlan, second: ReconcilePlan) {
        let services = { (numbers: [Int]) in
            ServiceCatalog([Fixture.service("web", numbers.map { Fixture.endpoint($0) })])
        }
        let first = planner.plan(catalog: services([1, 2, 3]), actual: [:])
        var actual = Fixture.applied(first)
        actual["azure-old-80-westeurope"] =
            [DesiredServer(instanceID: "x", address: "10.7.0.1", port: 80).server(named: "srv1")]
            + (2...10).map { ServerState.placeholder(name: "srv\($0)") }
        let second = planner.plan(catalog: services([1, 3, 4]), actual: actual, previousAssignments: first.assignments)
        return (first, second)
    }

    @Test func textShowsEachBackendAndEachChangedServer() {
        let text = PlanRenderer.text(twoCycles().second)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("BACKEND") == true)
        let web = lines.first { $0.hasPrefix("azure-web-80-westeurope") }
        #expect(web?.contains("changed") == true)
        #expect(web?.contains("3/10") == true)
        let old = lines.first { $0.hasPrefix("azure-old-80-westeurope") }
        #expect(old?.contains("retired") == true)
        #expect(old?.contains("0/10") == true)
        // vm2 left srv2 and vm4 took it: one line, old -> new.
        #expect(
            lines.contains {
                $0 == "  srv2: 10.0.0.2:8080 → 10.0.0.4:8080"
            }
        )
        #expect(
            lines.contains {
                $0 == "  srv1: 10.7.0.1:80 → free"
            }
        )
        #expect(lines.last?.contains("2 server changes") == true)
        #expect(!text.contains("no changes"))
    }

    @Test func drainingSlotsAreShownWithTheirDeadlineInTextAndJSON() throws {
        let settings = HAProxySinkSettings(drainPolicy: try DrainPolicy(seconds: 90))
        let drainingPlanner = ReconcilePlanner(settings: settings)
        let services = { (numbers: [Int]) in
            ServiceCatalog([Fixture.service("web", numbers.map { Fixture.endpoint($0) })])
        }
        let start = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15T08:00:00Z
        let first = drainingPlanner.plan(catalog: services([1, 2, 3]), actual: [:], now: start)
        // vm3 leaves: its slot drains for 90 s.
        let leaving = drainingPlanner.plan(
            catalog: services([1, 2]), actual: Fixture.applied(first), previousAssignments: first.assignments, now: start
        )
        var names = InstanceNames(services([1, 2]))
        names.add([Instance(id: Fixture.instanceID(3), name: "shop-3", address: "10.0.0.3", region: "westeurope", sourceKind: "test")])
        let text = PlanRenderer.text(leaving, mechanism: .runtimeAPI(settings), names: names)
        #expect(text.contains("  srv3: shop-3 10.0.0.3:8080 → draining (until 2027-01-15T08:01:30Z)\n"))
        #expect(text.contains("1 server change through the Runtime API"))

        // A cycle later it still drains with nothing to write: plan still says so.
        let draining = drainingPlanner.plan(
            catalog: services([1, 2]), actual: Fixture.applied(leaving), previousAssignments: leaving.assignments,
            drains: leaving.drains, now: start.addingTimeInterval(30)
        )
        #expect(draining.isNoOp)
        let later = PlanRenderer.text(draining, mechanism: .runtimeAPI(settings), names: names)
        #expect(later.contains("  srv3: shop-3 10.0.0.3:8080 draining (until 2027-01-15T08:01:30Z)\n"))
        let json = try PlanRenderer.json(draining, mechanism: .runtimeAPI(settings), basis: PlanJSONTests.basis)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let document = try decoder.decode(PlanDocument.self, from: Data(json.utf8))
        let drain = try #require(document.backends.first?.draining.first)
        #expect(document.backends.first?.draining.count == 1)
        #expect(drain.slot == "srv3" && drain.instanceId == Fixture.instanceID(3).rawValue)
        #expect(drain.address == "10.0.0.3" && drain.port == 8080 && drain.until == "2027-01-15T08:01:30Z")

        // Once the drain expired the slot is freed, and the line says why.
        let expired = drainingPlanner.plan(
            catalog: services([1, 2]), actual: Fixture.applied(draining), previousAssignments: draining.assignments,
            drains: draining.drains, now: start.addingTimeInterval(90)
        )
        let freed = PlanRenderer.text(expired, mechanism: .runtimeAPI(settings), names: names)
        #expect(freed.contains("  srv3: shop-3 10.0.0.3:8080 draining → free (drain ended)\n"))
    }

    @Test func textSaysNoChangesWhenThereIsNothingToDo() {
        let catalog = ServiceCatalog([Fixture.service("web", [Fixture.endpoint(1)])])
        let first = planner.plan(catalog: catalog, actual: [:])
        let second = planner.plan(
            catalog: catalog,
            actual: Fixture.applied(first),
            previousAssignments: first.assignments
        )
        let text = PlanRenderer.text(second)
        #expect(text.contains("no changes"))
        #expect(text.contains("unchanged"))
        #expect(PlanRenderer.text(planner.plan(catalog: ServiceCatalog(), actual: [:])).contains("no changes"))
    }

    @Test func jsonHasSortedSnakeCaseKeysAndRoundTrips() throws {
        let plan = twoCycles().second
        let json = try PlanRenderer.json(plan, basis: PlanJSONTests.basis)
        let document = try JSONDecoder.snakeCase.decode(PlanDocument.self, from: Data(json.utf8))
        #expect(document == PlanDocument(plan, mechanism: .dataPlane, basis: PlanJSONTests.basis))
        #expect(document.noChanges == false)
        #expect(document.counts.serversChanged == 2)
        let web = try #require(document.backends.first { $0.name == "azure-web-80-westeurope" })
        #expect(web.changes.map(\.slot) == ["srv2"])
        #expect(web.changes.first?.fields == [.address])
        #expect(web.changes.first?.kind == .runtime)
        #expect(web.assignments[Fixture.instanceID(4).rawValue] == "srv2")
        #expect(json.contains("\"slots_total\""))
        // Stable: rendering twice gives the same bytes, with keys in order.
        #expect(try PlanRenderer.json(plan, basis: PlanJSONTests.basis) == json)
        let noChanges = try #require(json.range(of: "\"no_changes\""))
        let backends = try #require(json.range(of: "\"backends\""))
        let counts = try #require(json.range(of: "\"counts\""))
        #expect(backends.lowerBound < counts.lowerBound)
        #expect(counts.lowerBound < noChanges.lowerBound)
    }
}

extension JSONDecoder {
    static var snakeCase: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }
}
