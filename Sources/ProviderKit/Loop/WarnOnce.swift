/// "Warn once": remembers which warnings have been reported, so a standing condition (a bad tag, a foreign
/// server in a backend) is logged once rather than on every cycle, and again if it comes back after being
/// fixed. Used by the discovery loop for grouping warnings and by sinks for plan warnings.
///
/// ## Contract
/// - ``newWarnings(_:)`` takes one cycle's complete list and returns those not in the previous cycle's
///   list, in input order; a warning absent from a cycle is forgotten.
/// - A value type: the owner (an actor, or state behind a lock) serializes the calls.
public struct WarnOnce<Warning: Hashable & Sendable>: Sendable {
    private var active: Set<Warning> = []

    public init() {}

    /// Takes this cycle's warnings and returns the ones not reported in the previous cycle, in input order.
    public mutating func newWarnings(_ current: [Warning]) -> [Warning] {
        let fresh = current.filter { !active.contains($0) }
        active = Set(current)
        return fresh
    }
}
