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
    /// The digest of `text`: the table's key.
    let key: UInt64

    private init(text: String, digestState: InstanceIDDigest.State, key: UInt64) {
        self.text = text
        self.digestState = digestState
        self.key = key
    }

    /// The prefix whose text is `bytes` (ASCII), made if no live id holds one yet.
    static func interned(_ bytes: UnsafeRawBufferPointer) -> InstanceIDPrefix {
        var state = InstanceIDDigest.State()
        state.absorb(bytes)
        let key = state.finish() ?? 0
        return table.withLock { table in
            if let existing = table.find(key: key, text: bytes) { return existing }
            let made = InstanceIDPrefix(text: String(decoding: bytes, as: UTF8.self), digestState: state, key: key)
            table.insert(made, key: key)
            return made
        }
    }

    /// The entries the table holds, for prefixes ids hold and for ones no id holds any more (for tests).
    static var tableEntryCount: Int { table.withLock { $0.entryCount } }

    /// The process-wide table. It drops the prefixes no id holds any more (those it alone references) whenever
    /// it has doubled since it last did, so it stays bounded by about twice the distinct prefixes of the ids
    /// alive at once (the resource groups and scale sets of the current and last-good snapshots), however many
    /// come and go over months (scale sets made and deleted by each deployment). It holds them strongly, not
    /// weakly: a weakly referenced object keeps its reference counts in a side table, which made every retain
    /// and release of every id take the slow path.
    private static let table = Mutex(Table())

    private struct Table: ~Copyable {
        private var prefixes: [InstanceIDPrefix] = []
        /// Positions in `prefixes` by digest; a digest shared by two texts lists both.
        private var positions: [UInt64: [Int]] = [:]
        private var pruneAt = 256

        var entryCount: Int { prefixes.count }

        func find(key: UInt64, text: UnsafeRawBufferPointer) -> InstanceIDPrefix? {
            for position in positions[key] ?? [] where prefixes[position].text.utf8.elementsEqual(text) {
                return prefixes[position]
            }
            return nil
        }

        mutating func insert(_ prefix: InstanceIDPrefix, key: UInt64) {
            positions[key, default: []].append(prefixes.count)
            prefixes.append(prefix)
            if prefixes.count >= pruneAt { prune() }
        }

        private mutating func prune() {
            var position = 0
            while position < prefixes.count {
                // Sound without races: the table is locked, and a prefix only the table references cannot be
                // copied by anyone else meanwhile (ids get prefixes only from here, under the lock).
                if isKnownUniquelyReferenced(&prefixes[position]) {
                    prefixes.swapAt(position, prefixes.count - 1)
                    prefixes.removeLast()
                } else {
                    position += 1
                }
            }
            positions = [:]
            for (position, prefix) in prefixes.enumerated() { positions[prefix.key, default: []].append(position) }
            pruneAt = max(256, prefixes.count * 2)
        }
    }
}
