/// Shares the storage of equal tag sets, and of equal tag names and values, between the instances of one fetch.
///
/// A fleet repeats its tags: every instance of a Uniform scale set carries the scale set's tags, the VMs of one
/// service are usually tagged alike, and every tagged machine spells `HAProxy:Service:Name` again. Decoding
/// allocates each of them afresh per instance (a dictionary of a few hundred bytes plus every name or value
/// longer than a small string); at 100,000 instances that was a third of a snapshot's memory. A provider makes
/// one interner per fetch and passes each instance's final tags through ``intern(_:)``: equal sets then share
/// one dictionary, and sets that differ still share their names and values. Nothing outlives the fetch but
/// what the instances reference.
///
/// Interning changes no value: the result is `==` to the input, so grouping, filtering and plans are unchanged.
public struct TagInterner: Sendable {
    private var sets: Set<[String: String]> = []
    private var strings: Set<String> = []

    public init() {}

    /// Tag sets seen so far that differ from each other.
    public var distinctSets: Int { sets.count }

    /// `tags`, or an equal set interned before (sharing its storage).
    public mutating func intern(_ tags: [String: String]) -> [String: String] {
        // The empty dictionary is a shared singleton already.
        guard !tags.isEmpty else { return tags }
        if let index = sets.firstIndex(of: tags) { return sets[index] }
        var compact: [String: String] = [:]
        compact.reserveCapacity(tags.count)
        for (name, value) in tags { compact[intern(name)] = intern(value) }
        sets.insert(compact)
        return compact
    }

    /// `text`, or an equal string interned before. Small strings (up to 15 UTF-8 bytes) are stored inline and
    /// have nothing to share.
    public mutating func intern(_ text: String) -> String {
        guard text.utf8.count > 15 else { return text }
        return strings.insert(text).memberAfterInsert
    }
}
