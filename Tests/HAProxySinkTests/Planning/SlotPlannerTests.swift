import HAProxySink
import ProviderKit
import Testing

@Suite("Slot planner")
struct SlotPlannerTests {
    let backend = "azure-web-80-westeurope"

    /// Plans `desired` against `actual` with the standard policy.
    func plan(
        _ desired: [DesiredServer],
        actual: [ServerState]?,
        previous: [InstanceID: String] = [:],
        policy: SlotPolicy = .standard
    ) -> BackendPlan {
        SlotPlanner(
            backendName: backend,
            actualServers: actual,
            desired: desired,
            previousAssignments: previous,
            slotPolicy: policy
        ).plan()
    }

    /// A backend as a sink leaves it after applying the plan for `numbers` from scratch.
    func established(_ numbers: some Sequence<Int>) -> BackendPlan {
        plan(Fixture.desired(numbers), actual: nil)
    }

    @Test func newBackendIsCreatedWithBaseSlotsAndPlaceholders() {
        let result = established(1...3)
        #expect(result.isNewBackend)
        #expect(result.status == .new)
        #expect(result.servers.map(\.name) == (1...10).map { "srv\($0)" })
        #expect(
            result.servers.prefix(3).map(\.endpointDescription) == ["10.0.0.1:8080", "10.0.0.2:8080", "10.0.0.3:8080"]
        )
        #expect(result.servers.prefix(3).allSatisfy { !$0.maintenance && $0.weight == 100 && !$0.backup })
        #expect(result.servers.dropFirst(3).allSatisfy { $0.isPlaceholder && $0.weight == 100 && !$0.backup })
        #expect(result.changes.count == 10)
        #expect(result.changes.allSatisfy { if case .addSlot = $0 { true } else { false } })
        #expect(result.needsStructuralChange)
        #expect(result.slotsUsed == 3)
        #expect(result.slotsTotal == 10)
    }

    @Test func placeholderDiffersFromAnActiveServerOnlyInRuntimeFields() {
        let active = DesiredServer(instanceID: "a", address: "10.1.1.1", port: 443).server(named: "srv1")
        let free = ServerState.placeholder(name: "srv1")
        #expect(Set(active.differences(from: free)) == [.address, .port, .maintenance])
        #expect(active.differences(from: free).allSatisfy { $0.isRuntimeCapable })
    }

    @Test func oneInstanceJoiningChangesExactlyOneSlot() throws {
        let before = established(10...14)
        // vm1 sorts before every existing instance: it must still not push anyone along.
        let result = plan(
            Fixture.desired([1] + Array(10...14)),
            actual: Fixture.applied(before),
            previous: before.assignments
        )
        #expect(result.status == .changed)
        let change = try #require(result.changes.first)
        #expect(result.changes.count == 1)
        guard case .updateSlot(let from, let to, let fields) = change else {
            Issue.record("expected an update, got \(change)")
            return
        }
        #expect(from.isPlaceholder)
        #expect(to.name == "srv6")
        #expect(to.endpointDescription == "10.0.0.1:8080")
        #expect(fields == [.address, .port, .maintenance])
        #expect(change.kind == .runtime)
        for (id, slot) in before.assignments { #expect(result.assignments[id] == slot) }
        var expectedLive = Fixture.liveSlots(before.servers)
        expectedLive["srv6"] = "10.0.0.1:8080"
        #expect(Fixture.liveSlots(result.servers) == expectedLive)
    }

    @Test func oneInstanceLeavingOnlyFreesItsSlot() throws {
        let before = established(1...5)
        let departed = Fixture.instanceID(3)
        let departedSlot = try #require(before.assignments[departed])
        let result = plan(Fixture.desired([1, 2, 4, 5]), actual: Fixture.applied(before), previous: before.assignments)
        #expect(result.changes.count == 1)
        let change = try #require(result.changes.first)
        #expect(change.slotName == departedSlot)
        #expect(change.target.isPlaceholder)
        #expect(change.kind == .runtime)
        #expect(result.assignments[departed] == nil)
        for number in [1, 2, 4, 5] {
            let id = Fixture.instanceID(number)
            #expect(result.assignments[id] == before.assignments[id])
        }
        #expect(result.slotsTotal == 10)
    }

    @Test func addressChangeOfALiveInstanceReaddressesItsOwnSlot() throws {
        let before = established(1...5)
        var desired = Fixture.desired(1...5)
        desired[3].address = "10.9.9.9"
        let result = plan(desired, actual: Fixture.applied(before), previous: before.assignments)
        let change = try #require(result.changes.first)
        #expect(result.changes.count == 1)
        #expect(change.slotName == before.assignments[desired[3].instanceID])
        guard case .updateSlot(_, let to, let fields) = change else {
            Issue.record("expected an update, got \(change)")
            return
        }
        #expect(fields == [.address])
        #expect(to.address == "10.9.9.9")
        #expect(result.assignments == before.assignments)
    }

    @Test func growthBeyondTheBaseKeepsEverySlotAndAppendsNewOnes() {
        let before = established(1...10)
        let result = plan(Fixture.desired(1...11), actual: Fixture.applied(before), previous: before.assignments)
        #expect(result.slotsTotal == 20)
        #expect(result.servers.map(\.name) == (1...20).map { "srv\($0)" })
        #expect(Array(result.servers.prefix(10)) == before.servers)
        #expect(result.assignments[Fixture.instanceID(11)] == "srv11")
        #expect(result.changes.map(\.slotName) == (11...20).map { "srv\($0)" })
        #expect(result.changes.allSatisfy { if case .addSlot = $0 { true } else { false } })
        #expect(result.changes.first?.target.endpointDescription == "10.0.0.11:8080")
    }

    @Test func noOpPlanHasNoChanges() {
        let before = established(1...7)
        let result = plan(Fixture.desired(1...7), actual: Fixture.applied(before), previous: before.assignments)
        #expect(result.changes.isEmpty)
        #expect(result.status == .unchanged)
        #expect(!result.needsStructuralChange)
        #expect(result.servers == before.servers)
    }

    @Test func restartRebuildsAssignmentsFromAddressesWithoutMovingAnything() {
        // Churn so that slot order no longer follows instance order: 1...6, then 2 and 4 leave, 7 and 8 join.
        let first = established(1...6)
        let second = plan(
            Fixture.desired([1, 3, 5, 6, 7, 8]),
            actual: Fixture.applied(first),
            previous: first.assignments
        )
        #expect(second.assignments[Fixture.instanceID(7)] == "srv2")
        #expect(second.assignments[Fixture.instanceID(8)] == "srv4")
        // A fresh sink: no previous assignments, and an instance with a lower id than the others joins.
        let restarted = plan(Fixture.desired([0, 1, 3, 5, 6, 7, 8]), actual: Fixture.applied(second), previous: [:])
        for (id, slot) in second.assignments { #expect(restarted.assignments[id] == slot) }
        #expect(restarted.changes.count == 1)
        #expect(restarted.changes.first?.slotName == "srv7")
        #expect(restarted.assignments[Fixture.instanceID(0)] == "srv7")
    }

    @Test func restartWithSameStateIsANoOp() {
        let before = established([3, 1, 8, 4])
        let result = plan(Fixture.desired([1, 3, 4, 8]), actual: Fixture.applied(before), previous: [:])
        #expect(result.changes.isEmpty)
        #expect(result.assignments == before.assignments)
    }

    @Test func driftMadeOutOfBandIsRepaired() throws {
        let before = established(1...4)
        var actual = Fixture.applied(before)
        actual[1].maintenance = true  // someone disabled srv2
        actual[2].weight = 1  // and re-weighted srv3
        actual[7].address = "10.66.0.1"  // and pointed a free slot somewhere
        actual[7].maintenance = false
        let result = plan(Fixture.desired(1...4), actual: actual, previous: before.assignments)
        #expect(result.servers == before.servers)
        let changes = Dictionary(uniqueKeysWithValues: result.changes.map { ($0.slotName, $0) })
        #expect(changes.count == 3)
        guard case .updateSlot(_, _, let srv2Fields) = try #require(changes["srv2"]),
            case .updateSlot(_, _, let srv3Fields) = try #require(changes["srv3"]),
            case .updateSlot(_, _, let srv8Fields) = try #require(changes["srv8"])
        else {
            Issue.record("expected updates, got \(result.changes)")
            return
        }
        #expect(srv2Fields == [.maintenance])
        #expect(srv3Fields == [.weight])
        #expect(srv8Fields == [.address, .maintenance])
    }

    @Test func backupChangeIsStructural() throws {
        let before = established(1...2)
        var desired = Fixture.desired(1...2)
        desired[1].backup = true
        let result = plan(desired, actual: Fixture.applied(before), previous: before.assignments)
        let change = try #require(result.changes.first)
        #expect(result.changes.count == 1)
        #expect(change.kind == .structural)
        #expect(result.needsStructuralChange)
    }

    @Test func previousAssignmentToAVanishedSlotFallsBack() {
        let before = established(1...2)
        let result = plan(
            Fixture.desired(1...2),
            actual: Fixture.applied(before),
            previous: [Fixture.instanceID(1): "srv99", Fixture.instanceID(2): "srv2"]
        )
        #expect(result.changes.isEmpty)
        #expect(result.assignments[Fixture.instanceID(1)] == "srv1")
    }

    @Test func foreignServersAreLeftAloneAndReported() {
        let before = established(1...2)
        let foreign = ServerState(name: "legacy", address: "10.5.5.5", port: 80, weight: 1)
        let result = plan(
            Fixture.desired(1...2),
            actual: Fixture.applied(before) + [foreign],
            previous: before.assignments
        )
        #expect(result.changes.isEmpty)
        #expect(result.unmanagedServers == [foreign])
        #expect(result.warnings.contains { $0.message.contains("legacy") })
        #expect(!result.servers.contains { $0.name == "legacy" })
    }

    @Test func shrinkingRemovesOnlyTrailingFreeSlots() throws {
        // 40 slots, three instances left, one of them in srv18.
        let desired = Fixture.desired([1, 2, 18])
        let previous = Dictionary(uniqueKeysWithValues: zip(desired.map(\.instanceID), ["srv1", "srv2", "srv18"]))
        var actual = (1...40).map { ServerState.placeholder(name: "srv\($0)") }
        for (index, server) in zip([0, 1, 17], desired) { actual[index] = server.server(named: actual[index].name) }
        let result = plan(desired, actual: actual, previous: previous)
        #expect(result.slotsTotal == 18)
        #expect(result.assignments == previous)
        #expect(result.changes.map(\.slotName) == (19...40).map { "srv\($0)" })
        #expect(result.changes.allSatisfy { if case .removeSlot = $0 { true } else { false } })

        // 18 slots now; 2 instances need 10, which is not below the step under 18 (10): no reload for it.
        let tailLeft = plan(Fixture.desired([1, 2]), actual: Fixture.applied(result), previous: result.assignments)
        #expect(tailLeft.slotsTotal == 18)
        #expect(tailLeft.changes.map(\.slotName) == ["srv18"])
        #expect(tailLeft.changes.first?.target.isPlaceholder == true)
    }

    @Test func flappingByOneAroundTheBaseDoesNotResizeTheBackend() {
        var current = established(1...10)
        var capacities: [Int] = []
        var structural = 0
        for cycle in 0..<10 {
            let numbers = cycle.isMultiple(of: 2) ? Array(1...11) : Array(1...10)
            let next = plan(Fixture.desired(numbers), actual: Fixture.applied(current), previous: current.assignments)
            capacities.append(next.slotsTotal)
            structural += next.structuralChanges.count
            current = next
        }
        #expect(capacities == Array(repeating: 20, count: 10))
        #expect(structural == 10)  // the ten slots added in the first cycle, nothing after
    }

    @Test func missingSlotIsRecreated() {
        var actual = Fixture.applied(established(1...3))
        actual.remove(at: 4)  // srv5
        let result = plan(Fixture.desired(1...3), actual: actual)
        #expect(result.changes == [.addSlot(.placeholder(name: "srv5"))])
        #expect(result.warnings.contains { $0.message.contains("srv5") })
    }

    @Test func duplicateInstanceIsPlacedOnce() {
        let desired = Fixture.desired([1, 2]) + Fixture.desired([2])
        let result = plan(desired, actual: nil)
        #expect(result.slotsUsed == 2)
        #expect(result.warnings.count == 1)
    }

    @Test func existingBackendWithoutServersGetsItsSlots() {
        let result = plan(Fixture.desired(1...2), actual: [])
        #expect(!result.isNewBackend)
        #expect(result.slotsTotal == 10)
        #expect(result.changes.count == 10)
    }
}
