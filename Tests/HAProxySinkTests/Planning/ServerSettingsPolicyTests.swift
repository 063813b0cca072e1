import HAProxySink
import ProviderKit
import Testing

@Suite("Server settings policy (zone rules)")
struct ServerSettingsPolicyTests {
    func settings(_ policy: ServerSettingsPolicy, _ endpoint: Endpoint) -> (ServerSettings, [PlanWarning]) {
        var warnings: [PlanWarning] = []
        let result = policy.settings(for: endpoint, backend: "azure-web-80-westeurope", warnings: &warnings)
        return (result, warnings)
    }

    @Test func withoutAZoneEveryServerGetsTheDefaultWeight() {
        let policy = ServerSettingsPolicy()
        for zone in [nil, "1", "2"] {
            let (result, warnings) = settings(policy, Fixture.endpoint(1, zone: zone, tags: ["AZperc": "30"]))
            #expect(result == ServerSettings(weight: 100, backup: false))
            #expect(warnings.isEmpty)
        }
    }

    @Test func otherZoneBecomesBackup() throws {
        let policy = try ServerSettingsPolicy(availabilityZone: "1")
        #expect(settings(policy, Fixture.endpoint(1, zone: "1")).0 == ServerSettings(weight: 100, backup: false))
        #expect(settings(policy, Fixture.endpoint(2, zone: "2")).0 == ServerSettings(weight: 100, backup: true))
    }

    @Test func endpointWithoutAZoneCountsAsSameZone() throws {
        let policy = try ServerSettingsPolicy(availabilityZone: "1")
        #expect(settings(policy, Fixture.endpoint(1, zone: nil)).0 == ServerSettings(weight: 100, backup: false))
    }

    @Test func weightTagSplitsTrafficByZoneInsteadOfBackup() throws {
        let policy = try ServerSettingsPolicy(availabilityZone: "1", azWeightTag: "AZperc")
        let same = settings(policy, Fixture.endpoint(1, zone: "1", tags: ["AZperc": "30"]))
        let other = settings(policy, Fixture.endpoint(2, zone: "3", tags: ["AZperc": "30"]))
        #expect(same.0 == ServerSettings(weight: 70, backup: false))
        #expect(other.0 == ServerSettings(weight: 30, backup: false))
        #expect(same.1.isEmpty && other.1.isEmpty)
    }

    @Test(arguments: [("1", 99, 1), ("99", 1, 99), (" 25 ", 75, 25)])
    func weightTagBounds(value: String, sameZone: Int, otherZone: Int) throws {
        let policy = try ServerSettingsPolicy(availabilityZone: "1", azWeightTag: "AZperc")
        #expect(settings(policy, Fixture.endpoint(1, zone: "1", tags: ["AZperc": value])).0.weight == sameZone)
        #expect(settings(policy, Fixture.endpoint(2, zone: "2", tags: ["azperc": value])).0.weight == otherZone)
    }

    @Test(arguments: ["0", "100", "101", "-5", "abc", "", "2.5", "1e2"])
    func invalidWeightTagIsIgnoredWithAWarning(value: String) throws {
        let policy = try ServerSettingsPolicy(availabilityZone: "1", azWeightTag: "AZperc")
        let (result, warnings) = settings(policy, Fixture.endpoint(2, zone: "2", tags: ["AZperc": value]))
        #expect(result == ServerSettings(weight: 100, backup: true))
        let warning = try #require(warnings.first)
        #expect(warnings.count == 1)
        #expect(warning.instanceID == Fixture.instanceID(2))
        #expect(warning.message.contains("AZperc"))
    }

    @Test func missingWeightTagFallsBackToBackupWithoutWarning() throws {
        let policy = try ServerSettingsPolicy(availabilityZone: "1", azWeightTag: "AZperc")
        let (result, warnings) = settings(policy, Fixture.endpoint(2, zone: "2"))
        #expect(result == ServerSettings(weight: 100, backup: true))
        #expect(warnings.isEmpty)
    }

    @Test func blankZoneSettingDisablesTheRules() throws {
        let policy = try ServerSettingsPolicy(availabilityZone: " ", azWeightTag: "")
        #expect(policy.availabilityZone == nil)
        #expect(policy.azWeightTag == nil)
        #expect(settings(policy, Fixture.endpoint(2, zone: "2")).0.backup == false)
    }

    @Test func rejectsAWeightHAProxyCannotTake() {
        #expect(throws: HAProxySinkSettingsError.self) { try ServerSettingsPolicy(weight: 300, availabilityZone: nil) }
    }

    @Test func desiredServerCarriesTheEndpointAndItsSettings() throws {
        let policy = try ServerSettingsPolicy(availabilityZone: "1")
        var warnings: [PlanWarning] = []
        let server = policy.desiredServer(for: Fixture.endpoint(7, port: 9000, zone: "2"), warnings: &warnings)
        #expect(
            server
                == DesiredServer(
                    instanceID: Fixture.instanceID(7),
                    instanceName: "vm7",
                    address: "10.0.0.7",
                    port: 9000,
                    weight: 100,
                    backup: true
                )
        )
    }
}
