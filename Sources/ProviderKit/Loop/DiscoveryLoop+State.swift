/// The loop's bookkeeping across cycles, behind its mutex.
extension DiscoveryLoop {
    struct State {
        var store: SnapshotStore
        var safety: CycleSafety
        var warnings = WarnOnce<SkippedInstance>()
        var random: any RandomNumberGenerator & Sendable
        var cycle = 0
        var consecutiveFailedCycles = 0
        /// A full resync is due while `resyncRequested > resyncAcknowledged`. Generations rather than a
        /// flag, so a request that arrives during an apply survives that apply's success.
        var resyncRequested: UInt64 = 1
        var resyncAcknowledged: UInt64 = 0
        var isBusy = false
    }
}
