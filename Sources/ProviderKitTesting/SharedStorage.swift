/// Whether two tag dictionaries share one storage (what ``TagInterner`` arranges), rather than merely being equal.
///
/// A native `Dictionary` is a single reference to its storage, so its bits identify that storage; reading them
/// is sound because the layout is one pointer (checked) and nothing is dereferenced.
public func sharesStorage(_ lhs: [String: String], _ rhs: [String: String]) -> Bool {
    precondition(MemoryLayout<[String: String]>.size == MemoryLayout<UInt>.size, "a Dictionary is one reference")
    let left = withUnsafeBytes(of: lhs) { $0.load(as: UInt.self) }
    let right = withUnsafeBytes(of: rhs) { $0.load(as: UInt.self) }
    return left == right
}
