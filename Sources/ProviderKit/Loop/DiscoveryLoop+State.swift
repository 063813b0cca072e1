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
        /// The generation of the last ``DiscoveryLoop/requestFullResync()`` whose completion is still to be
        /// logged (the startup resync and `runOnce`'s are not announced).
        var resyncToAnnounce: UInt64 = 0
        /// Failed fetches in a row per provider, including before its first success, for the line that says
        /// it recovered.
        var failureStreaks: [String: Int] = [:]
        var isBusy = false
    }
}
