import ProviderKit

/// What to tell someone whose inventory `address` is not an IP literal: a fix for the usual mistakes, to go after
/// "is not an IP address".
enum AddressHint {
    static func hint(for text: String) -> String {
        if text.hasPrefix("[") && text.hasSuffix("]") {
            return "write IPv6 addresses without brackets, e.g. \(text.dropFirst().dropLast())"
        }
        if text.contains(":") && text.contains(".") && IPAddressLiteral.isIPv4(String(text.split(separator: ":")[0])) {
            return "leave the port out of the address; ports come from the HAProxy:Service:Port tag"
        }
        if text.contains(where: \.isLetter) && !text.contains(":") {
            return "host names are not resolved; write the machine's IP, e.g. 10.0.0.4 or fd00::4"
        }
        return "write an IPv4 or IPv6 literal, e.g. 10.0.0.4 or fd00::4"
    }
}
