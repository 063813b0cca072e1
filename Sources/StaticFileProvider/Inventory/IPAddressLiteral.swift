#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// IP literal checks with the C library's own parser, so "valid" means exactly what HAProxy and the kernel accept.
enum IPAddressLiteral {
    static func isValid(_ text: String) -> Bool {
        isIPv4(text) || isIPv6(text)
    }

    static func isIPv4(_ text: String) -> Bool {
        var storage = in_addr()
        return inet_pton(AF_INET, text, &storage) == 1
    }

    static func isIPv6(_ text: String) -> Bool {
        var storage = in6_addr()
        return inet_pton(AF_INET6, text, &storage) == 1
    }

    /// A hint for the usual mistakes, to go after "is not an IP address".
    static func hint(for text: String) -> String {
        if text.hasPrefix("[") && text.hasSuffix("]") {
            return "write IPv6 addresses without brackets, e.g. \(text.dropFirst().dropLast())"
        }
        if text.contains(":") && text.contains(".") && isIPv4(String(text.split(separator: ":")[0])) {
            return "leave the port out of the address; ports come from the HAProxy:Service:Port tag"
        }
        if text.contains(where: \.isLetter) && !text.contains(":") {
            return "host names are not resolved; write the machine's IP, e.g. 10.0.0.4 or fd00::4"
        }
        return "write an IPv4 or IPv6 literal, e.g. 10.0.0.4 or fd00::4"
    }
}
