import Synchronization

/// The shared text of many ``InstanceID``s up to and including their last `/` (for Azure, the resource group's or
/// scale set's part of the ARM id), held once per process, with the ``InstanceIDDigest`` state after its bytes so
/// that hashing an id only digests the few bytes after it.
///
/// Made only through ``interned(_:)``, so that ids with equal prefixes share one object and usually compare
/// them by identity.
final class InstanceIDPrefix: Sendable {
    /// ASCII, ending with `/`.
    let text: String
    let digestState: InstanceIDDigest.State

    private init(text: String, digestState: InstanceIDDigest.State) {
        self.text = text
        self.digestState = digestState
    }

    /// The prefix whose text is `bytes` (ASCII), made if no live id holds one yet.
    static func interned(_ bytes: UnsafeRawBufferPointer) -> InstanceIDPrefix {
        var state = InstanceIDDigest.State()
        state.absorb(bytes)
        let key = state.finish() ?? 0
        return table.withLock { table in
            if let existing = table.find(key: key, text: bytes) { return existing }
            let made = InstanceIDPrefix(text: String(decoding: bytes, as: UTF8.self), digestState: state)
            table.insert(made, key: key)
            return made
        }
    }

    /// The entries the table holds, for live prefixes and dead ones not yet dropped (for tests).
    static var tableEntryCount: Int { table.withLock { $0.entryCount } }

    /// The process-wide table. It holds its prefixes weakly: a prefix lives as long as some id holds it, and
    /// the table's entries for dead ones are dropped whenever the table has doubled since it last dropped them.
    /// So it stays bounded by about twice the distinct prefixes of the ids alive at once, that is of the
    /// resource groups and scale sets in the current and last-good snapshots, however many come and go over
    /// months (scale sets made and deleted by each deployment).
    private static let table = Mutex(Table())

    private struct Table: ~Copyable {
        /// Keyed by the prefix's digest; a digest shared by two texts keeps both in its list.
        private var entries: [UInt64: [WeakPrefix]] = [:]
        private(set) var entryCount = 0
        private var pruneAt = 256

        func find(key: UInt64, text: UnsafeRawBufferPointer) -> InstanceIDPrefix? {
            for entry in entries[key] ?? [] {
                if let prefix = entry.prefix, prefix.text.utf8.elementsEqual(text) { return prefix }
            }
            return nil
        }

        mutating func insert(_ prefix: InstanceIDPrefix, key: UInt64) {
            entries[key, default: []].append(WeakPrefix(prefix: prefix))
            entryCount += 1
            if entryCount >= pruneAt { prune() }
        }

        private mutating func prune() {
            entries = entries.compactMapValues { list in
                let live = list.filter { $0.prefix != nil }
                return live.isEmpty ? nil : live
            }
            entryCount = entries.values.reduce(0) { $0 + $1.count }
            pruneAt = max(256, entryCount * 2)
        }
    }

    private struct WeakPrefix {
        weak var prefix: InstanceIDPrefix?
    }
}
