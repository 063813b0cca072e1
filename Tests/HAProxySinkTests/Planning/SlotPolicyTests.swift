import HAProxySink
import Testing

@Suite("Slot policy")
struct SlotPolicyTests {
    @Test(arguments: [
        (0, 10), (1, 10), (10, 10), (11, 20), (20, 20), (21, 40), (40, 40), (41, 80), (1000, 1280),
    ])
    func exponentialDoublesFromTheBase(active: Int, capacity: Int) throws {
        let policy = try SlotPolicy(base: 10, growthFactor: 2, growthType: .exponential)
        #expect(policy.capacity(forActive: active) == capacity)
    }

    @Test(arguments: [(11, 15), (15, 15), (16, 23), (23, 23), (24, 34), (34, 34), (35, 51)])
    func exponentialRoundsEachStepUp(active: Int, capacity: Int) throws {
        // 10 * 1.5^k = 15, 22.5, 33.75, 50.625
        let policy = try SlotPolicy(base: 10, growthFactor: 1.5, growthType: .exponential)
        #expect(policy.capacity(forActive: active) == capacity)
    }

    @Test(arguments: [(5, 14), (14, 14), (15, 28), (30, 56), (60, 112)])
    func exponentialStartsFromALargerBase(active: Int, capacity: Int) throws {
        let policy = try SlotPolicy(base: 14, growthFactor: 2, growthType: .exponential)
        #expect(policy.capacity(forActive: active) == capacity)
    }

    @Test(arguments: [
        (1.0, 11, 11), (1.0, 37, 37),
        (2.0, 11, 12), (2.0, 15, 20), (2.0, 30, 50),
        (1.5, 11, 12), (1.5, 13, 15), (1.5, 20, 25),
        (0.5, 14, 14),
    ])
    func linearAddsTheFactorPerInstanceBeyondTheBase(factor: Double, active: Int, capacity: Int) throws {
        let policy = try SlotPolicy(base: 10, growthFactor: factor, growthType: .linear)
        #expect(policy.capacity(forActive: active) == capacity)
        #expect(policy.capacity(forActive: 7) == 10)
    }

    @Test func capacityAlwaysHoldsEveryInstance() throws {
        let policies = [
            try SlotPolicy(base: 10, growthFactor: 0.3, growthType: .linear),
            try SlotPolicy(base: 10, growthFactor: 3, growthType: .linear),
            try SlotPolicy(base: 12, growthFactor: 1.1, growthType: .exponential),
            try SlotPolicy(base: 10, growthFactor: 2, growthType: .exponential),
        ]
        for policy in policies {
            for active in 0...500 {
                #expect(policy.capacity(forActive: active) >= active)
                #expect(policy.capacity(forActive: active) >= policy.base)
            }
        }
    }

    @Test func rejectsABaseBelowTen() {
        do {
            _ = try SlotPolicy(base: 5)
            Issue.record("base 5 was accepted")
        } catch {
            #expect(error.code == .invalidSlotBase)
            #expect(error.key == "haproxy.server_slots.base")
            #expect(error.message.contains("10"))
        }
    }

    @Test(arguments: [
        (0.0, SlotPolicy.GrowthType.linear), (-1, .linear), (1.0, .exponential), (0.5, .exponential),
        (.nan, .linear), (.infinity, .exponential),
    ])
    func rejectsAFactorThatCannotGrow(factor: Double, type: SlotPolicy.GrowthType) {
        #expect(throws: HAProxySinkSettingsError.self) {
            try SlotPolicy(base: 10, growthFactor: factor, growthType: type)
        }
    }

    @Test func growsWhenTheCapacityIsExceeded() throws {
        let policy = try SlotPolicy()
        #expect(policy.resizedCapacity(current: 10, active: 11, highestOccupiedSlot: 11) == 20)
        #expect(policy.resizedCapacity(current: 20, active: 41, highestOccupiedSlot: 41) == 80)
        #expect(policy.resizedCapacity(current: 0, active: 3, highestOccupiedSlot: 3) == 10)
    }

    @Test func shrinksOnlyWhenMoreThanOneStepBelow() throws {
        let policy = try SlotPolicy()
        // 40 slots: one step below is 20. 20 instances still fit that step: keep 40.
        #expect(policy.resizedCapacity(current: 40, active: 20, highestOccupiedSlot: 20) == 40)
        #expect(policy.resizedCapacity(current: 40, active: 11, highestOccupiedSlot: 11) == 40)
        // 10 instances need 10 slots, two steps below 40: shrink.
        #expect(policy.resizedCapacity(current: 40, active: 10, highestOccupiedSlot: 10) == 10)
        #expect(policy.resizedCapacity(current: 80, active: 15, highestOccupiedSlot: 15) == 20)
    }

    @Test func neverRemovesASlotHoldingAnInstance() throws {
        let policy = try SlotPolicy()
        #expect(policy.resizedCapacity(current: 80, active: 3, highestOccupiedSlot: 35) == 35)
        #expect(policy.resizedCapacity(current: 80, active: 3, highestOccupiedSlot: 40) == 40)
        // Shrinking to 57 or 79 would free less than a step (80 -> 40): wait until it can.
        #expect(policy.resizedCapacity(current: 80, active: 3, highestOccupiedSlot: 57) == 80)
        #expect(policy.resizedCapacity(current: 80, active: 3, highestOccupiedSlot: 79) == 80)
    }

    @Test func neverShrinksBelowTheBase() throws {
        let policy = try SlotPolicy(base: 16, growthFactor: 2, growthType: .exponential)
        #expect(policy.resizedCapacity(current: 64, active: 0, highestOccupiedSlot: 0) == 16)
        #expect(policy.resizedCapacity(current: 16, active: 0, highestOccupiedSlot: 0) == 16)
    }

    @Test(arguments: [
        (2.0, SlotPolicy.GrowthType.exponential), (1.5, .exponential), (2.0, .linear), (1.0, .linear),
    ])
    func flappingByOneAroundEveryBoundaryDoesNotResize(factor: Double, type: SlotPolicy.GrowthType) throws {
        let policy = try SlotPolicy(base: 10, growthFactor: factor, growthType: type)
        // From every size n, flap between n + 1 and n instances: at most one growth, then it stays put.
        for size in 0...300 {
            var current = policy.capacity(forActive: size)
            var seen: [Int] = []
            for cycle in 0..<8 {
                let active = cycle.isMultiple(of: 2) ? size + 1 : size
                current = policy.resizedCapacity(current: current, active: active, highestOccupiedSlot: active)
                seen.append(current)
            }
            #expect(seen == Array(repeating: policy.capacity(forActive: size + 1), count: 8), "from \(size): \(seen)")
        }
    }

    @Test func stepBelowFollowsTheLadder() throws {
        let policy = try SlotPolicy()
        #expect(policy.step(below: 10) == nil)
        #expect(policy.step(below: 20) == 10)
        #expect(policy.step(below: 80) == 40)
        #expect(policy.step(below: 30) == 20)
    }
}
