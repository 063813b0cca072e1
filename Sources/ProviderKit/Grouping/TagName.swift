/// Case-insensitive tag-name matching without allocating, since grouping runs it for every tag of
/// every instance on every cycle.
///
/// Azure treats tag names case-insensitively; names are ASCII in practice, so ASCII case folding is
/// tried first and full Unicode lower-casing only for non-ASCII names.
enum TagName {
    static func equal(_ lhs: String, _ rhs: String) -> Bool {
        // ASCII case folding keeps the length; names of different lengths differ unless non-ASCII.
        if lhs.utf8.count != rhs.utf8.count, lhs.utf8.allSatisfy({ $0 < 0x80 }) { return false }
        var left = lhs.utf8.makeIterator()
        var right = rhs.utf8.makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil):
                return true
            case (let a?, let b?):
                if a == b { continue }
                if a >= 0x80 || b >= 0x80 { return lhs.lowercased() == rhs.lowercased() }
                if folded(a) != folded(b) { return false }
            default:
                return false
            }
        }
    }

    private static func folded(_ byte: UInt8) -> UInt8 {
        (0x41...0x5A).contains(byte) ? byte | 0x20 : byte
    }
}

extension Dictionary where Key == String, Value == String {
    /// Looks a tag up by name, ignoring case as Azure does (an exact match wins if both spellings exist).
    public func value(forTag name: String) -> String? {
        if let exact = self[name] { return exact }
        return first { TagName.equal($0.key, name) }?.value
    }
}
