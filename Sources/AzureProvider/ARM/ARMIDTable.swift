import Synchronization

/// One copy of each ARM id for the lists of one fetch.
///
/// The lists name the same resources over and over: a VM's NIC references are the NICs' ids, a NIC's
/// `virtualMachine` is a VM's id, the status list repeats every VM's id. A cycle holds every list until the
/// join, so with 2,000 machines the repeats alone were about 1 MB of the cycle's peak. ``ARMClient`` hands a
/// table to the decoder (``Swift/Decoder/armID(_:)``); the fetch that made it drops it with its lists.
final class ARMIDTable: Sendable {
    private let ids = Mutex<Set<String>>([])

    static let userInfoKey = CodingUserInfoKey(rawValue: "discoveryd.azure.armIDTable")!

    /// `id`, or the equal id decoded before it.
    func intern(_ id: String) -> String {
        ids.withLock { $0.insert(id).memberAfterInsert }
    }
}

extension Decoder {
    /// `id` shared with an equal one decoded earlier in the same fetch, when the decoder carries an
    /// ``ARMIDTable``; otherwise `id` itself.
    func armID(_ id: String) -> String {
        (userInfo[ARMIDTable.userInfoKey] as? ARMIDTable)?.intern(id) ?? id
    }
}
