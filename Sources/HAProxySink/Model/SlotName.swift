/// Slot names: `srv1`, `srv2`, ... in a managed backend.
///
/// Names carry only the position, never the instance, so an instance joining or leaving never renames
/// anything and HAProxy's per-server state (stats, stick tables) stays with the slot.
public enum SlotName {
    public static let prefix = "srv"
    /// Beyond this a `srvN` server is treated as foreign: re-creating every slot up to an absurd number
    /// because someone added `srv9999999` by hand would be worse than leaving it alone.
    public static let maximumIndex = 1_000_000

    public static func name(forIndex index: Int) -> String {
        // Called for every slot of every plan. Up to 12 digits the name fits Swift's 15-byte small-string form,
        // and building it from bytes allocates nothing, where interpolation allocates a buffer for each name.
        guard index > 0, index < 1_000_000_000_000 else { return "srv\(index)" }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 15) { buffer in
            var digits = 0
            var rest = index
            while rest > 0 {
                digits += 1
                rest /= 10
            }
            buffer[0] = UInt8(ascii: "s")
            buffer[1] = UInt8(ascii: "r")
            buffer[2] = UInt8(ascii: "v")
            rest = index
            for position in stride(from: 2 + digits, to: 2, by: -1) {
                buffer[position] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[..<(3 + digits)]), as: UTF8.self)
        }
    }

    /// The 1-based index of a canonical slot name (`srv7` → 7); `nil` for anything else (`srv07`, `srv0`, `web1`).
    public static func index(of name: String) -> Int? {
        // Runs for every server of every backend on every cycle: stay on the raw UTF-8 bytes.
        name.utf8.withContiguousStorageIfAvailable(index(ofUTF8:)) ?? index(ofUTF8: Array(name.utf8))
    }

    private static func index(ofUTF8 bytes: some Collection<UInt8>) -> Int? {
        guard bytes.count >= 4, bytes.count <= 10 else { return nil }
        var value = 0
        for (offset, byte) in bytes.enumerated() {
            switch offset {
            case 0: guard byte == UInt8(ascii: "s") else { return nil }
            case 1: guard byte == UInt8(ascii: "r") else { return nil }
            case 2: guard byte == UInt8(ascii: "v") else { return nil }
            default:
                // Digits only, and no leading zero.
                guard byte >= UInt8(ascii: offset == 3 ? "1" : "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
        }
        return value <= maximumIndex ? value : nil
    }
}
