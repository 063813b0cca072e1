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
public enum IPAddressLiteral {
    /// Whether `text` is an IPv4 or IPv6 literal.
    public static func isValid(_ text: String) -> Bool {
        isIPv4(text) || isIPv6(text)
    }

    /// Whether `text` is an IPv4 dotted quad such as `10.0.0.4`.
    public static func isIPv4(_ text: String) -> Bool {
        var storage = in_addr()
        return inet_pton(AF_INET, text, &storage) == 1
    }

    /// Whether `text` is an IPv6 literal such as `fd00::4` (no brackets, no `%zone`).
    public static func isIPv6(_ text: String) -> Bool {
        var storage = in6_addr()
        return inet_pton(AF_INET6, text, &storage) == 1
    }
}
