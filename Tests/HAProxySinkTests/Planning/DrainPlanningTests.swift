import Foundation
import HAProxySink
import ProviderKit
import Testing

/// The planner's drain rules (`haproxy.drain_seconds`), with a fixed clock: a departing instance's slot drains
/// in place, is taken back by the instance if it returns, is never given to another instance while it
/// drains, and is freed once the drain expired.
@Suite("Slot planner: graceful drain")
struct DrainPlanningTests {
    let backend = "azure-web-80-westeurope"
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    /// A test clock: the planner only ever sees the instant passed in.
    func at(_ seconds: Double) -> Date { start.addingTimeInterval(seconds) }

    func policy(_ seconds: Double) throws -> DrainPolicy { try DrainPolicy(seconds: seconds) }

    func plan(
        _ desired: [DesiredServer],
        actual: [ServerState]?,
        previous: [InstanceID: String] = [:],
        drainSeconds: Double,
        drains: [SlotDrain] = [],
        now: Date
    ) throws -> BackendPlan {
        SlotPlanner(
            backendName: backend,
            actualServers: actual,
            desired: desired,
            previousAssignments: previous,
            drain: DrainInput(
                policy: try policy(drainSeconds),
                drains: Dictionary(uniqueKeysWithValues: drains.map { ($0.slot, $0) }),
                now: now
            )
        ).plan()
    }

    /// HAProxy as a sink leaves it after applying `plan` (the planned slots, drains included).
    func applied(_ plan: BackendPlan) -> [ServerState] { Fixture.applied(plan) }

    /// A backend serving vm1...vm3 from srv1...srv3.
    func established() throws -> BackendPlan {
        try plan(Fixture.desired(1...3), actual: nil, drainSeconds: 2, now: at(0))
    }

    @Test func aDepartingInstanceDrainsInItsOwnSlot() throws {
        let before = try established()
        let result = try plan(
            Fixture.desired([1, 3]), actual: applied(before), previous: before.assignments, drainSeconds: 2, now: at(10)
        )
        #expect(result.drains == [SlotDrain(slot: "srv2", instanceID: Fixture.instanceID(2), address: "10.0.0.2", port: 8080, until: at(12))])
        #expect(result.expiredDrains.isEmpty)
        // One write: srv2 goes from ready to drain at the same address; nobody else is touched.
        #expect(result.changes.count == 1)
        guard case .updateSlot(let from, let to, let fields) = result.changes.first else {
            Issue.record("expected an update of srv2, got \(result.changes)")
            return
        }
        #expect(from.name == "srv2" && to.name == "srv2")
        #expect(fields == [.draining])
        #expect(to.endpointDescription == "10.0.0.2:8080" && to.draining && !to.maintenance)
        #expect(result.changes.allSatisfy { $0.kind == .runtime })
        #expect(result.slotsUsed == 2)
        #expect(result.slotsDraining == 1)
    }

    @Test func aDrainInProgressIsNoChange() throws {
        let before = try established()
        let draining = try plan(
            Fixture.desired([1, 3]), actual: applied(before), previous: before.assignments, drainSeconds: 2, now: at(10)
        )
        let later = try plan(
            Fixture.desired([1, 3]), actual: applied(draining), previous: draining.assignments, drainSeconds: 2,
            drains: draining.drains, now: at(11)
        )
        #expect(later.changes.isEmpty)
        #expect(later.drains.map(\.until) == [at(12)])
    }

    @Test func anInstanceThatComesBackDuringTheDrainIsReadyAgainInTheSameSlot() throws {
        let before = try established()
        let draining = try plan(
            Fixture.desired([1, 3]), actual: applied(before), previous: before.assignments, drainSeconds: 2, now: at(10)
        )
        // vm2 is back (a new instance vm4 arrives too, and must not get srv2).
        let back = try plan(
            Fixture.desired([1, 2, 3, 4]), actual: applied(draining), previous: draining.assignments, drainSeconds: 2,
            drains: draining.drains, now: at(11)
        )
        #expect(back.assignments[Fixture.instanceID(2)] == "srv2")
        #expect(back.assignments[Fixture.instanceID(4)] == "srv4")
        #expect(back.drains.isEmpty && back.expiredDrains.isEmpty)
        let srv2 = try #require(back.changes.first { $0.slotName == "srv2" })
        guard case .updateSlot(_, let to, let fields) = srv2 else {
            Issue.record("expected an update of srv2, got \(srv2)")
            return
        }
        #expect(fields == [.draining])
        #expect(!to.draining && !to.maintenance && to.endpointDescription == "10.0.0.2:8080")
    }

    @Test func anInstanceThatComesBackWithANewAddressTakesItsDrainingSlot() throws {
        let before = try established()
        let draining = try plan(
            Fixture.desired([1, 3]), actual: applied(before), previous: before.assignments, drainSeconds: 2, now: at(10)
        )
        var moved = Fixture.desired([2])[0]
        moved.address = "10.0.9.2"
        let back = try plan(
            Fixture.desired([1, 3]) + [moved], actual: applied(draining), previous: draining.assignments,
            drainSeconds: 2, drains: draining.drains, now: at(11)
        )
        #expect(back.assignments[Fixture.instanceID(2)] == "srv2")
        #expect(back.servers[1].endpointDescription == "10.0.9.2:8080" && !back.servers[1].draining)
    }

    @Test func aDrainingSlotIsNotGivenToANewInstance() throws {
        let before = try established()
        let draining = try plan(
            Fixture.desired([1, 3]), actual: applied(before), previous: before.assignments, drainSeconds: 2, now: at(10)
        )
        let joined = try plan(
            Fixture.desired([1, 3, 5]), actual: applied(draining), previous: draining.assignments, drainSeconds: 2,
            drains: draining.drains, now: at(11)
        )
        #expect(joined.assignments[Fixture.instanceID(5)] == "srv4")
        #expect(joined.servers[1].draining && joined.servers[1].endpointDescription == "10.0.0.2:8080")
        #expect(joined.changes.map(\.slotName) == ["srv4"])
    }

    @Test func aFullBackendGrowsRatherThanReuseADrainingSlot() throws {
        let full = try plan(Fixture.desired(1...10), actual: nil, drainSeconds: 2, now: at(0))
        // vm10 leaves and vm11 arrives in the same cycle: srv10 drains, vm11 needs an eleventh slot.
        let result = try plan(
            Fixture.desired(Array(1...9) + [11]), actual: applied(full), previous: full.assignments, drainSeconds: 2,
            now: at(10)
        )
        #expect(result.servers[9].draining)
        #expect(result.assignments[Fixture.instanceID(11)] == "srv11")
        #expect(result.slotsTotal == 20)
    }

    @Test func anExpiredDrainFreesTheSlot() throws {
        let before = try established()
        let draining = try plan(
            Fixture.desired([1, 3]), actual: applied(before), previous: before.assignments, drainSeconds: 2, now: at(10)
        )
        let expired = try plan(
            Fixture.desired([1, 3]), actual: applied(draining), previous: draining.assignments, drainSeconds: 2,
            drains: draining.drains, now: at(12)
        )
        #expect(expired.drains.isEmpty)
        #expect(expired.expiredDrains.map(\.slot) == ["srv2"])
        #expect(expired.servers[1] == .placeholder(name: "srv2"))
        #expect(expired.changes.count == 1 && expired.changes.allSatisfy { $0.kind == .runtime })
        // Once free, the slot is the lowest free one again.
        let reused = try plan(
            Fixture.desired([1, 3, 5]), actual: applied(expired), previous: expired.assignments, drainSeconds: 2,
            now: at(13)
        )
        #expect(reused.assignments[Fixture.instanceID(5)] == "srv2")
    }

    @Test func drainSecondsZeroFreesTheSlotAtOnceAsBefore() throws {
        let before = try plan(Fixture.desired(1...3), actual: nil, drainSeconds: 0, now: at(0))
        let result = try plan(
            Fixture.desired([1, 3]), actual: applied(before), previous: before.assignments, drainSeconds: 0, now: at(10)
        )
        #expect(result.drains.isEmpty)
        #expect(result.servers[1] == .placeholder(name: "srv2"))
        // Exactly what the planner without any drain input plans.
        let withoutDrainInput = SlotPlanner(
            backendName: backend,
            actualServers: applied(before),
            desired: Fixture.desired([1, 3]),
            previousAssignments: before.assignments
        ).plan()
        #expect(result == withoutDrainInput)
    }

    @Test func aServerFoundDrainingAfterARestartDrainsAgainForTheFullPeriod() throws {
        let before = try established()
        var actual = applied(before)
        actual[1].draining = true
        // A fresh sink: no previous assignments, no drain records.
        let result = try plan(Fixture.desired([1, 3]), actual: actual, drainSeconds: 2, now: at(100))
        #expect(result.drains == [SlotDrain(slot: "srv2", address: "10.0.0.2", port: 8080, until: at(102))])
        #expect(result.changes.isEmpty)
        #expect(result.assignments == before.assignments.filter { $0.key != Fixture.instanceID(2) })
    }

    @Test func aServerFoundDrainingWithDrainSecondsZeroIsFreed() throws {
        let before = try established()
        var actual = applied(before)
        actual[1].draining = true
        let result = try plan(Fixture.desired([1, 3]), actual: actual, drainSeconds: 0, now: at(100))
        #expect(result.drains.isEmpty)
        #expect(result.servers[1] == .placeholder(name: "srv2"))
        #expect(result.changes.first.map { Set($0.target.differences(from: actual[1])) } == [.address, .port, .maintenance, .draining])
    }

    @Test func aRetiredServicesServersDrainToo() throws {
        let before = try established()
        let retired = SlotPlanner(
            backendName: backend,
            actualServers: applied(before),
            desired: [],
            isRetired: true,
            drain: DrainInput(policy: try policy(5), now: at(10))
        ).plan()
        #expect(retired.drains.map(\.slot) == ["srv1", "srv2", "srv3"])
        #expect(retired.drains.allSatisfy { $0.until == at(15) })
    }

    @Test func negativeOrAbsurdDrainSecondsAreRejected() {
        #expect(throws: HAProxySinkSettingsError.self) { try DrainPolicy(seconds: -1) }
        #expect(throws: HAProxySinkSettingsError.self) { try DrainPolicy(seconds: .infinity) }
        #expect(throws: HAProxySinkSettingsError.self) { try DrainPolicy(seconds: 86_401) }
        #expect((try? DrainPolicy(seconds: 0))?.isEnabled == false)
    }
}
