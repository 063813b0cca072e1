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
