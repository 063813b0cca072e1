/// Remembers which grouping warnings have been reported, so a bad tag is logged once rather than on
/// every cycle, and again if it comes back after being fixed.
struct WarningTracker: Sendable {
    private var active: Set<SkippedInstance> = []

    /// Takes this cycle's warnings and returns the ones not reported in the previous cycle, in input order.
    mutating func newWarnings(_ current: [SkippedInstance]) -> [SkippedInstance] {
        let fresh = current.filter { !active.contains($0) }
        active = Set(current)
        return fresh
    }
}
