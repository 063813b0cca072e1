import ProviderKit

/// One entry of an instance view's `statuses`, e.g. `{"code": "PowerState/running", ...}`. Only the code is
/// kept: discovery reads nothing else, and every decoded field stays alive until the fleet is joined.
struct InstanceViewStatus: Decodable, Hashable, Sendable {
    var code: String?
}

/// The part of an instance view discovery reads: the statuses (provisioning state, power state).
struct InstanceView: Decodable, Hashable, Sendable {
    var statuses: [InstanceViewStatus]?

    /// The `PowerState/<state>` status mapped to an ``InstanceState``; nil when the view carries none
    /// (e.g. a VM that is still being created).
    var powerState: InstanceState? {
        Self.powerState(in: statuses ?? [])
    }

    static func powerState(in statuses: [InstanceViewStatus]) -> InstanceState? {
        let prefix = "powerstate/"
        for status in statuses {
            guard let code = status.code?.lowercased(), code.hasPrefix(prefix) else { continue }
            let state = code.dropFirst(prefix.count)
            guard !state.isEmpty else { continue }
            return InstanceState(rawValue: String(state))
        }
        return nil
    }
}
