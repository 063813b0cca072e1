import DataPlaneTesting
import HAProxySink
import Testing

@Suite("Adoption plan")
struct AdoptionPlanTests {
    let settings = HAProxySinkSettings()

    func backend(_ name: String, description: String? = nil) -> DataPlaneBackend {
        var fields: [String: JSONValue] = ["name": .string(name), "mode": "http", "balance": ["algorithm": "roundrobin"]]
        if let description { fields["description"] = .string(description) }
        return DataPlaneBackend(fields: fields)
    }

    @Test("only unmarked backends that follow the naming scheme are candidates")
    func candidates() {
        let backends = [
            backend("azure-web-8080-westeurope"),
            backend("azure-api-9090-us-east-1"),
            backend("azure-old-80-westeurope", description: "managed by discoveryd"),
            backend("azure-stats"),
            backend("azure-web-westeurope"),
            backend("other-web-8080-westeurope"),
        ]
        let names = AdoptionPlan.candidates(among: backends, naming: settings.naming).map(\.name)
        #expect(names == ["azure-api-9090-us-east-1", "azure-web-8080-westeurope"])
    }

    @Test("the marker replaces the description; a live server keeps address, port, weight and backup")
    func liveServersStay() throws {
        let servers: [DataPlaneServer] = [
            // A Python daemon server in another zone: backup, no weight.
            DataPlaneServer(fields: [
                "name": "srv1", "address": "10.0.0.1", "port": 8080, "maintenance": "disabled", "check": "enabled",
                "cookie": "srv1", "backup": "enabled",
            ]),
            // Weighted by the zone percentage tag, but someone removed its check.
            DataPlaneServer(fields: [
                "name": "srv2", "address": "10.0.0.2", "port": 8080, "maintenance": "disabled", "cookie": "srv2",
                "weight": 90,
            ]),
            DataPlaneServer(fields: ["name": "srv3", "address": "127.0.0.1", "port": 80, "maintenance": "enabled", "check": "disabled"]),
            // Not a slot: left alone.
            DataPlaneServer(fields: ["name": "canary", "address": "10.0.9.9", "port": 8080]),
        ]
        let plan = AdoptionPlan.make(
            version: 7,
            backends: [backend("azure-web-8080-westeurope", description: "web tier")],
            servers: ["azure-web-8080-westeurope": servers],
            settings: settings
        )
        let adopted = try #require(plan.backends.first)
        #expect(plan.version == 7)
        #expect(adopted.previousDescription == "web tier")
        #expect(adopted.marked.description == "managed by discoveryd")
        #expect(adopted.marked.fields["mode"] == "http")
        #expect(adopted.liveServers.map(\.name) == ["srv1", "srv2"])
        #expect(adopted.freeSlots == 1)
        #expect(adopted.rewrites.map(\.after.name) == ["srv2", "srv3"])
        let srv2 = try #require(adopted.rewrites.first)
        #expect(srv2.after == ServerState(name: "srv2", address: "10.0.0.2", port: 8080, weight: 90))
        #expect(srv2.changes == ["check: none -> enabled"])
        #expect(adopted.rewrites[1].changes == ["check: disabled -> enabled", "cookie: none -> srv3", "weight: none -> 100"])
        let text = plan.text(naming: settings.naming)
        #expect(text.contains(#"description: "web tier" -> "managed by discoveryd""#))
        #expect(text.contains("srv2 (live, stays at 10.0.0.2:8080): check: none -> enabled"))
    }

    @Test("a commit that meets someone else's write changes nothing and leaves no transaction", arguments: DataPlaneAPIVersion.allCases)
    func conflictChangesNothing(version: DataPlaneAPIVersion) async throws {
        try await withFakeDataPlane(version) { api, _, client in
            api.editOutOfBand { config in
                PythonDaemonEndState.build(AdoptionEndToEndTests.pythonFleet, into: &config)
            }
            let adopter = DataPlaneAdopter(client: client, settings: settings, logger: quietLogger)
            let plan = try await adopter.plan()
            #expect(plan.backends.count == 2)
            let before = api.configuration
            api.interfereBeforeCommits(1, with: .outOfBandWrite)
            await #expect(throws: DataPlaneError.self) { try await adopter.adopt(plan) }
            #expect(api.undeletedTransactions.isEmpty)
            #expect(api.configuration == before)
        }
    }
}
