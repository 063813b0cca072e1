import HAProxySink
import ProviderKit
import Testing

@Suite("Runtime API commands for a backend plan")
struct RuntimeChangeTranslatorTests {
    static let backend = "azure-web-8080-local"

    static func plan(_ changes: [ServerChange]) -> BackendPlan {
        BackendPlan(
            backendName: backend,
            serviceKey: ServiceKey(name: "web", port: 8080, region: "local"),
            servers: changes.map(\.target),
            changes: changes,
            assignments: [:],
            isNewBackend: false,
            isRetired: false
        )
    }

    @Test func aFilledSlotTakesItsAddressAndWeightBeforeItTakesTraffic() {
        let from = ServerState.placeholder(name: "srv4", weight: 1)
        let to = ServerState(name: "srv4", address: "10.0.0.4", port: 8080, weight: 100)
        let translation = RuntimeChangeTranslator().translate(
            Self.plan([.updateSlot(from: from, to: to, fields: to.differences(from: from))]),
            actual: [],
            usesHealthChecks: true
        )
        #expect(translation.commands.map(\.text) == [
            "set server \(Self.backend)/srv4 addr 10.0.0.4 port 8080",
            "set server \(Self.backend)/srv4 weight 100",
            "set server \(Self.backend)/srv4 state ready",
        ])
        #expect(translation.serversChanged == 1)
    }

    @Test func aSlotToRemoveIsOnlyPutInMaintenanceNeverDeleted() {
        let live = ServerState(name: "srv12", address: "10.0.0.12", port: 8080, weight: 100)
        let free = ServerState.placeholder(name: "srv13")
        let translation = RuntimeChangeTranslator().translate(
            Self.plan([.removeSlot(live), .removeSlot(free)]),
            actual: [],
            usesHealthChecks: true
        )
        #expect(translation.commands.map(\.text) == ["set server \(Self.backend)/srv12 state maint"])
        #expect(translation.serversChanged == 1)
    }

    @Test func backupCannotBeSetAtRuntimeAndIsReportedWhileTheRestIsApplied() {
        let from = ServerState(name: "srv2", address: "10.0.0.2", port: 8080, weight: 100)
        var to = from
        to.backup = true
        to.weight = 50
        let translation = RuntimeChangeTranslator().translate(
            Self.plan([.updateSlot(from: from, to: to, fields: to.differences(from: from))]),
            actual: [],
            usesHealthChecks: false
        )
        #expect(translation.commands.map(\.text) == ["set server \(Self.backend)/srv2 weight 50"])
        #expect(translation.warnings.count == 1)
        #expect(translation.warnings.first?.message.contains("backup") == true)
    }

    @Test func aPlaceholderAddedForGrowthStaysInMaintenanceWithChecksReady() {
        let translation = RuntimeChangeTranslator().translate(
            Self.plan([.addSlot(.placeholder(name: "srv14"))]),
            actual: [],
            usesHealthChecks: true
        )
        #expect(translation.commands.map(\.text) == [
            "add server \(Self.backend)/srv14 127.0.0.1:80 check weight 100",
            "enable health \(Self.backend)/srv14",
        ])
    }

    @Test func anIPv6ServerIsAddedInBrackets() {
        let server = ServerState(name: "srv11", address: "fd00::11", port: 8080, weight: 100)
        let translation = RuntimeChangeTranslator().translate(
            Self.plan([.addSlot(server)]),
            actual: [],
            usesHealthChecks: false
        )
        #expect(translation.commands.map(\.text) == [
            "add server \(Self.backend)/srv11 [fd00::11]:8080 weight 100",
            "enable server \(Self.backend)/srv11",
        ])
    }
}
