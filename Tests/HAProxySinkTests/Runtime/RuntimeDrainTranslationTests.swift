import HAProxySink
import ProviderKit
import Testing

/// The Runtime API commands of a drain: one command to start it, the slot's address is never touched while
/// it drains, `maint` comes before the placeholder address when it ends, and `ready` comes last when the
/// instance returns (after its new address, if it has one).
@Suite("Runtime API commands for drains")
struct RuntimeDrainTranslationTests {
    static let backend = RuntimeChangeTranslatorTests.backend
    let live = ServerState(name: "srv2", address: "10.0.0.2", port: 8080, weight: 100)

    var draining: ServerState {
        var server = live
        server.draining = true
        return server
    }

    func commands(from: ServerState, to: ServerState) -> [String] {
        RuntimeChangeTranslator().translate(
            RuntimeChangeTranslatorTests.plan([.updateSlot(from: from, to: to, fields: to.differences(from: from))]),
            actual: [],
            usesHealthChecks: true
        ).commands.map(\.text)
    }

    @Test func aDrainStartsWithOneCommandAndKeepsTheAddress() {
        #expect(commands(from: live, to: draining) == ["set server \(Self.backend)/srv2 state drain"])
    }

    @Test func anEndedDrainGoesToMaintenanceBeforeTheSlotIsReaddressed() {
        #expect(commands(from: draining, to: .placeholder(name: "srv2")) == [
            "set server \(Self.backend)/srv2 state maint",
            "set server \(Self.backend)/srv2 addr 127.0.0.1 port 80",
        ])
    }

    @Test func aReturningInstanceIsReadyAgainLastAfterItsNewAddress() {
        #expect(commands(from: draining, to: live) == ["set server \(Self.backend)/srv2 state ready"])
        let moved = ServerState(name: "srv2", address: "10.0.9.2", port: 8080, weight: 100)
        #expect(commands(from: draining, to: moved) == [
            "set server \(Self.backend)/srv2 addr 10.0.9.2 port 8080",
            "set server \(Self.backend)/srv2 state ready",
        ])
    }

    @Test func theCycleLineCountsADrainOnceAsFreedAndAReturnAsAdded() {
        func effect(_ from: ServerState, _ to: ServerState) -> ServerChange.Effect? {
            ServerChange.updateSlot(from: from, to: to, fields: to.differences(from: from)).effect
        }
        #expect(effect(live, draining) == .freed)
        #expect(effect(draining, .placeholder(name: "srv2")) == nil)
        #expect(effect(draining, live) == .added)
    }

    @Test func maintenanceWinsOverADrainFlagLeftByStateMaint() {
        // `state maint` after a drain leaves HAProxy's drain flag set; the slot is free, not draining, and
        // filling it sends one `state ready`, which clears both.
        func server(_ flags: RuntimeServerState.AdminFlags) -> ServerState {
            RuntimeServerState(
                backendID: 1, backendName: Self.backend, serverID: 2, serverName: "srv2", address: "127.0.0.1",
                port: 80, operationalState: .stopped, adminFlags: flags, weight: 100, initialWeight: 100,
                checkFlags: [.configured]
            ).plannerView
        }
        let left = server([.forcedMaintenance, .forcedDrain])
        #expect(left.maintenance && !left.draining && left.isPlaceholder)
        #expect(server([.forcedDrain]).draining && !server([.forcedDrain]).maintenance)
        #expect(commands(from: left, to: live).last == "set server \(Self.backend)/srv2 state ready")
    }
}
