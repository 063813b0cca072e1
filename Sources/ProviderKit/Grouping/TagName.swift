/// Case-insensitive tag-name matching without allocating, since grouping runs it for every tag of
/// every instance on every cycle.
///
/// Azure compares tag names ignoring case. Names of different byte lengths never match (the common case,
/// answered without reading them); equal lengths compare with ASCII case folding, and only names with
/// non-ASCII letters fall back to full Unicode lower-casing.
enum TagName {
    static func equal(_ lhs: String, _ rhs: String) -> Bool {
        guard lhs.utf8.count == rhs.utf8.count else { return false }
        // Compare the UTF-8 bytes in place (contiguous already for native and literal strings): a generic walk
        // over two UTF8Views was the grouper's single largest cost.
        var lhs = lhs
        var rhs = rhs
        let verdict = lhs.withUTF8 { left in rhs.withUTF8 { right in asciiFoldedEqual(left, right) } }
        return verdict ?? (lhs.lowercased() == rhs.lowercased())
    }

    /// ASCII-case-insensitive equality of two byte strings of the same length; `nil` when a byte that
    /// differs is not ASCII (Unicode lower-casing decides then).
    private static func asciiFoldedEqual(_ lhs: UnsafeBufferPointer<UInt8>, _ rhs: UnsafeBufferPointer<UInt8>) -> Bool? {
        for (a, b) in zip(lhs, rhs) where a != b {
            if a >= 0x80 || b >= 0x80 { return nil }
            if folded(a) != folded(b) { return false }
        }
        return true
    }

    private static func folded(_ byte: UInt8) -> UInt8 {
        (0x41...0x5A).contains(byte) ? byte | 0x20 : byte
    }
}

extension Dictionary where Key == String, Value == String {
    /// These tags over those inherited from a parent (a scale set, an Auto Scaling group): the instance's own
    /// tags win, and since names compare ignoring case, an own tag replaces an inherited one whatever the
    /// spelling of either (one `HAProxy:Service:Port`, never two).
    public func inheriting(from parent: [String: String]) -> [String: String] {
        guard !parent.isEmpty else { return self }
        let ownNames = Set(keys.map { $0.lowercased() })
        var merged = parent.filter { !ownNames.contains($0.key.lowercased()) }
        merged.merge(self) { _, own in own }
        return merged
    }

    /// Looks a tag up by name, ignoring case as Azure does (an exact match wins if both spellings exist).
    public func value(forTag name: String) -> String? {
        if let exact = self[name] { return exact }
        return first { TagName.equal($0.key, name) }?.value
    }
}
