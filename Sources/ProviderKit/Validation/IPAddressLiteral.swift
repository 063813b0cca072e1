#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Checks that a string is an IP address literal, as ``Instance/address`` requires.
///
/// Uses the C library's own parser (`inet_pton`), so "valid" means exactly what HAProxy and the kernel accept:
/// an IPv4 dotted quad or an IPv6 literal, without brackets, zone or port. Host names are not addresses here;
/// discovery never resolves names.
///
/// Only the characters a literal can hold (hex digits, `.` and `:`) are allowed, and that is checked on the
/// Swift string **before** the C parser sees it: C stops reading at a NUL byte, so `"10.0.0.5\u{0}port 22"`
/// would otherwise pass as `10.0.0.5` and carry its tail into an HAProxy command.
public enum IPAddressLiteral {
    /// Whether `text` is an IPv4 or IPv6 literal.
    public static func isValid(_ text: String) -> Bool {
        isIPv4(text) || isIPv6(text)
    }

    /// Whether `text` is an IPv4 dotted quad such as `10.0.0.4`.
    public static func isIPv4(_ text: String) -> Bool {
        guard hasOnlyLiteralCharacters(text) else { return false }
        var storage = in_addr()
        // withCString, not the implicit String-to-pointer conversion, which copies a small string to the heap:
        // the grouper checks every instance's address on every cycle.
        return text.withCString { inet_pton(AF_INET, $0, &storage) } == 1
    }

    /// Whether `text` is an IPv6 literal such as `fd00::4` (no brackets, no `%zone`).
    public static func isIPv6(_ text: String) -> Bool {
        guard hasOnlyLiteralCharacters(text) else { return false }
        var storage = in6_addr()
        return text.withCString { inet_pton(AF_INET6, $0, &storage) } == 1
    }

    /// The literal as HAProxy writes it back (`inet_ntop`): `fd00::4` for `FD00:0:0::4`, so that an address a
    /// provider spells differently never looks like a change every cycle. `nil` when `text` is not a literal.
    public static func canonical(_ text: String) -> String? {
        // Nearly every address is a dotted quad already written as `inet_ntop` writes it: say so without the
        // C round trip (a few percent of grouping 100,000 instances). Anything else goes the long way.
        if isCanonicalDottedQuad(text) { return text }
        return canonicalByCLibrary(text)
    }

    /// Four decimal numbers 0...255 without leading zeros, separated by dots: exactly the texts `inet_ntop`
    /// writes for IPv4, each of which `inet_pton` accepts and gives back unchanged.
    static func isCanonicalDottedQuad(_ text: String) -> Bool {
        var parts = 0
        var value = 0
        var digits = 0
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if digits == 1, value == 0 { return false }  // a leading zero
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
                digits += 1
                guard value <= 255 else { return false }
            case UInt8(ascii: "."):
                guard digits > 0, parts < 3 else { return false }
                parts += 1
                value = 0
                digits = 0
            default:
                return false
            }
        }
        return parts == 3 && digits > 0
    }

    /// ``canonical(_:)`` by the C library's parser and printer.
    static func canonicalByCLibrary(_ text: String) -> String? {
        guard hasOnlyLiteralCharacters(text) else { return nil }
        // The grouper calls this for every instance on every cycle: the C string and the output buffer live on
        // the stack, and an address already canonical (nearly all) is returned as it is.
        return text.withCString { cText in
            withUnsafeTemporaryAllocation(of: CChar.self, capacity: Int(INET6_ADDRSTRLEN)) { buffer -> String? in
                var v4 = in_addr()
                var v6 = in6_addr()
                let written =
                    if inet_pton(AF_INET, cText, &v4) == 1 {
                        inet_ntop(AF_INET, &v4, buffer.baseAddress, socklen_t(buffer.count)) != nil
                    } else if inet_pton(AF_INET6, cText, &v6) == 1 {
                        inet_ntop(AF_INET6, &v6, buffer.baseAddress, socklen_t(buffer.count)) != nil
                    } else {
                        false
                    }
                guard written, let base = buffer.baseAddress else { return nil }
                let bytes = UnsafeRawBufferPointer(start: base, count: strlen(base))
                return bytes.elementsEqual(text.utf8) ? text : String(decoding: bytes, as: UTF8.self)
            }
        }
    }

    /// At most 45 bytes (the longest IPv6 text with an embedded IPv4 part), each a hex digit, `.` or `:`.
    private static func hasOnlyLiteralCharacters(_ text: String) -> Bool {
        var count = 0
        for byte in text.utf8 {
            count += 1
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"),
                UInt8(ascii: "A")...UInt8(ascii: "F"), UInt8(ascii: "."), UInt8(ascii: ":"):
                continue
            default:
                return false
            }
        }
        return count > 0 && count <= 45
    }
}
