/// Slot names: `srv1`, `srv2`, ... in a managed backend.
///
/// Names carry only the position, never the instance, so an instance joining or leaving never renames
/// anything and HAProxy's per-server state (stats, stick tables) stays with the slot.
public enum SlotName {
    public static let prefix = "srv"
    /// Beyond this a `srvN` server is treated as foreign: re-creating every slot up to an absurd number
    /// because someone added `srv9999999` by hand would be worse than leaving it alone.
    public static let maximumIndex = 1_000_000

    public static func name(forIndex index: Int) -> String { "srv\(index)" }

    /// The 1-based index of a canonical slot name (`srv7` → 7); `nil` for anything else (`srv07`, `srv0`, `web1`).
    public static func index(of name: String) -> Int? {
        var utf8 = name.utf8[...]
        guard utf8.starts(with: "srv".utf8) else { return nil }
        utf8 = utf8.dropFirst(3)
        guard let first = utf8.first, first >= UInt8(ascii: "1"), first <= UInt8(ascii: "9"), utf8.count <= 7 else {
            return nil
        }
        var value = 0
        for byte in utf8 {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value <= maximumIndex ? value : nil
    }
}
