import ProviderKit

extension ReconcilePlan {
    /// Slots holding an instance, slots draining and slots in all, per backend, once the plan is applied (for metrics).
    ///
    /// - Parameter includingNewBackends: Whether backends the plan creates count; a sink that cannot create
    ///   backends (the Runtime API) leaves them out.
    public func slotUsage(includingNewBackends: Bool) -> [String: SlotUsage] {
        var usage: [String: SlotUsage] = [:]
        for backend in backends where includingNewBackends || !backend.isNewBackend {
            usage[backend.backendName] = SlotUsage(
                used: backend.slotsUsed,
                total: backend.slotsTotal,
                draining: backend.slotsDraining
            )
        }
        return usage
    }
}
