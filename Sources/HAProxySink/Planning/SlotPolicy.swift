/// How many server slots a backend has for a number of active instances, and when it may shrink.
///
/// Slots are pre-created so that instances come and go by re-addressing an existing server (a runtime
/// change) instead of adding one (a reload). Growth:
/// - up to ``base`` instances: ``base`` slots;
/// - ``GrowthType/linear``: `base + ceil((n - base) * growthFactor)` (never fewer than `n`);
/// - ``GrowthType/exponential``: the smallest `base * growthFactor^k`, rounded up, that is `>= n`.
///
/// The capacities this formula can produce form a ladder (exponential, base 10, factor 2: 10, 20, 40, 80 ...).
///
/// **Shrinking and hysteresis.** Removing a slot is a reload, so shrinking is rare by design: a backend
/// with `current` slots shrinks only when the capacity for `n` is *more than one step* below `current` on the
/// ladder (`capacity(n) < stepBelow(current)`), and then to `capacity(n)`, never below ``base`` and never
/// below the highest slot that holds an instance (only trailing free slots are removed). If an instance in
/// a high slot keeps the result above `stepBelow(current)`, the backend does not shrink at all (yet), so
/// that instances leaving one by one from the tail do not cost a reload each. A backend that
/// flaps by one instance around a boundary therefore grows once and then stays: after growing from 20 to 40
/// for 21 instances, 20 instances need 20 slots, which is one step below 40, not more, so it keeps 40.
public struct SlotPolicy: Hashable, Sendable {
    public enum GrowthType: String, Hashable, Sendable, Encodable, CaseIterable {
        case linear
        case exponential
    }

    public static let minimumBase = 10
    /// Beyond this a single step would create absurd numbers of servers.
    public static let maximumGrowthFactor = 1000.0

    public let base: Int
    public let growthFactor: Double
    public let growthType: GrowthType

    /// Base 10, exponential, factor 2.
    public static let standard = SlotPolicy(validatedBase: 10, growthFactor: 2, growthType: .exponential)

    /// The one validation of these values: `haproxy.server_slots` maps its errors to the key path.
    ///
    /// - Throws: ``HAProxySinkSettingsError`` when `base` is below ``minimumBase`` or the factor cannot grow
    ///   capacity (linear: not > 0; exponential: not > 1; never above 1000).
    public init(
        base: Int = 10,
        growthFactor: Double = 2.0,
        growthType: GrowthType = .exponential
    )
        throws(HAProxySinkSettingsError)
    {
        try Self.validate(base: base)
        try Self.validate(growthFactor: growthFactor, for: growthType)
        self.init(validatedBase: base, growthFactor: growthFactor, growthType: growthType)
    }

    /// Throws ``HAProxySinkSettingsError/Code/invalidSlotBase`` when `base` is below ``minimumBase``.
    public static func validate(base: Int) throws(HAProxySinkSettingsError) {
        guard base >= minimumBase else {
            throw .invalidValue(
                .invalidSlotBase, key: "haproxy.server_slots.base", value: "\(base)",
                expected: "a whole number >= \(minimumBase)"
            )
        }
    }

    /// Throws ``HAProxySinkSettingsError/Code/invalidGrowthFactor`` when `growthFactor` cannot grow capacity
    /// the `growthType` way.
    public static func validate(growthFactor: Double, for growthType: GrowthType) throws(HAProxySinkSettingsError) {
        let minimumFactor: Double = growthType == .exponential ? 1 : 0
        let expected: String? =
            if !growthFactor.isFinite || growthFactor <= minimumFactor {
                growthType == .exponential
                    ? "a number > 1 for exponential growth (e.g. 2.0)" : "a number > 0 for linear growth"
            } else if growthFactor > maximumGrowthFactor {
                "a number <= \(Int(maximumGrowthFactor))"
            } else {
                nil
            }
        if let expected {
            throw .invalidValue(
                .invalidGrowthFactor, key: "haproxy.server_slots.growth_factor", value: "\(growthFactor)",
                expected: expected
            )
        }
    }

    private init(validatedBase base: Int, growthFactor: Double, growthType: GrowthType) {
        self.base = base
        self.growthFactor = growthFactor
        self.growthType = growthType
    }

    /// Absorbs the error of `base * f * f * ...` so that 10 * 2^2 counts as 40, not 40.000000001.
    private static let tolerance = 1e-9

    /// The slot count for `active` instances, ignoring what the backend has now.
    public func capacity(forActive active: Int) -> Int {
        guard active > base else { return base }
        switch growthType {
        case .linear:
            let extra = (Double(active - base) * growthFactor - Self.tolerance).rounded(.up)
            return max(active, base + Int(extra))
        case .exponential:
            var value = Double(base)
            var rounded = base
            while rounded < active {
                value *= growthFactor
                rounded = Int((value - Self.tolerance).rounded(.up))
            }
            return rounded
        }
    }

    /// The largest capacity on the ladder below `current`, or `nil` when `current` is at or below ``base``.
    public func step(below current: Int) -> Int? {
        guard current > base else { return nil }
        // capacity(forActive:) is non-decreasing and >= its argument, so the largest count whose capacity is
        // still below `current` lies in base..<current.
        var low = base
        var high = current - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if capacity(forActive: middle) < current { low = middle } else { high = middle - 1 }
        }
        return capacity(forActive: low)
    }

    /// The slot count a backend that has `current` slots should end up with.
    ///
    /// - Parameters:
    ///   - current: slots the backend has now (0 if it does not exist yet).
    ///   - active: instances it should serve.
    ///   - highestOccupiedSlot: the highest slot index holding an instance after assignment (0 if none).
    public func resizedCapacity(current: Int, active: Int, highestOccupiedSlot: Int) -> Int {
        let needed = capacity(forActive: active)
        guard current > 0 else { return max(needed, highestOccupiedSlot) }
        if max(needed, highestOccupiedSlot) >= current { return max(needed, highestOccupiedSlot) }
        guard let lower = step(below: current), needed < lower else { return current }
        let shrunk = max(needed, highestOccupiedSlot, base)
        // An instance sitting near the end blocks the shrink until it would free at least a whole step:
        // otherwise every departure from the tail would cost its own reload.
        return shrunk <= lower ? shrunk : current
    }
}
