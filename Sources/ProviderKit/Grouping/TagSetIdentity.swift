/// Which storage a tag dictionary uses: equal identities mean the very same dictionary, so the same tags.
///
/// Providers pass each instance's tags through a ``TagInterner``, so the machines of one service, or of one
/// scale set, share one dictionary. The grouper reads an instance's service tags once per shared dictionary
/// instead of once per instance (a fifth of grouping 100,000 instances), keyed by this identity.
///
/// The identity is the bit pattern of the dictionary value, which is one reference to its storage. Two values
/// with the same bits refer to the same storage and are equal; two equal dictionaries that do not share storage
/// merely get different identities (the work is then done once for each). An identity means something only
/// while the dictionary it was taken from is alive: afterwards its storage's address may be reused. Where a
/// dictionary is not one word (no platform Swift supports today), there is no identity and the caller does the
/// work per instance.
struct TagSetIdentity: Hashable {
    private let bits: UInt

    init?(of tags: UnsafePointer<[String: String]>) {
        guard MemoryLayout<[String: String]>.size == MemoryLayout<UInt>.size else { return nil }
        bits = UnsafeRawPointer(tags).load(as: UInt.self)
    }
}
