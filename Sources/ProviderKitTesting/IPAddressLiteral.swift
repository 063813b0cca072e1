#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether a string is an IPv4 dotted quad or an IPv6 literal (no brackets, no zone, no port).
enum IPAddressLiteral {
    static func isValid(_ text: String) -> Bool {
        var buffer = in6_addr()
        return text.withCString { pointer in
            inet_pton(AF_INET, pointer, &buffer) == 1 || inet_pton(AF_INET6, pointer, &buffer) == 1
        }
    }
}
