import ProviderKit

extension ServerChange {
    /// What a change does for the instance its slot serves: the counts of the cycle's log line.
    public enum Effect: Hashable, Sendable {
        /// A slot starts serving an instance (a free slot filled, a slot added in service).
        case added
        /// A slot keeps serving its instance with a new address, port or weight.
        case updated
        /// A slot stops serving an instance that is gone (freed to maintenance, or removed).
        case freed
    }

    /// `nil` for a change to a slot that serves nothing before and after (a free slot added, moved or removed).
    public var effect: Effect? {
        switch self {
        case .addSlot(let server): server.maintenance ? nil : .added
        case .removeSlot(let server): server.maintenance ? nil : .freed
        case .updateSlot(let from, let to, _):
            // A draining slot no longer serves its instance: the drain's start frees it, its end changes
            // nothing more, and an instance back during the drain is added again.
            switch (!from.maintenance && !from.draining, !to.maintenance && !to.draining) {
            case (false, true): .added
            case (true, false): .freed
            case (true, true): .updated
            case (false, false): nil
            }
        }
    }
}

extension SinkReport {
    /// Counts a change HAProxy accepted in ``serversAdded``, ``serversUpdated`` or ``serversFreed``.
    mutating func count(_ change: ServerChange) {
        switch change.effect {
        case .added: serversAdded += 1
        case .updated: serversUpdated += 1
        case .freed: serversFreed += 1
        case nil: break
        }
    }
}
