/// Which instances take part in discovery, decided by their tags.
///
/// Every allowlist pair must match (AND); any denylist pair excludes (OR). Tag names compare
/// case-insensitively because Azure treats them so; values compare exactly.
public struct TagFilter: Hashable, Sendable {
    public var allowlist: [String: String]
    public var denylist: [String: String]

    public init(allowlist: [String: String] = [:], denylist: [String: String] = [:]) {
        self.allowlist = allowlist
        self.denylist = denylist
    }

    public func admits(_ tags: [String: String]) -> Bool {
        for (name, value) in allowlist where tags.value(forTag: name) != value {
            return false
        }
        for (name, value) in denylist where tags.value(forTag: name) == value {
            return false
        }
        return true
    }
}
