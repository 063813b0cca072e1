import ProviderKit
import Testing

@Suite("IP address literals")
struct IPAddressLiteralTests {
    @Test("IPv4 dotted quads and IPv6 literals are addresses", arguments: [
        "10.0.0.4", "0.0.0.0", "255.255.255.255", "fd00::4", "::1", "2001:db8::8a2e:370:7334", "::ffff:10.0.0.4",
    ])
    func valid(_ text: String) {
        #expect(IPAddressLiteral.isValid(text))
    }

    @Test("names, ports, brackets, zones and malformed quads are not", arguments: [
        "", "web-1", "web-1.internal", "10.0.0.4:8080", "[fd00::4]", "fe80::1%eth0", "10.0.0", "10.0.0.256",
        " 10.0.0.4", "fd00:::4",
        // Seen: C stops at the NUL, so this passed as 127.0.0.50 and HAProxy put the server on port 22.
        "127.0.0.50\u{0} port 22", "127.0.0.50\u{0}", "10.0.0.4\n", "10.0.0.4\t", "fd00::4\u{0}:1", "10.0.0.4 ",
    ])
    func invalid(_ text: String) {
        #expect(!IPAddressLiteral.isValid(text))
    }

    @Test("the family checks tell IPv4 from IPv6")
    func families() {
        #expect(IPAddressLiteral.isIPv4("10.0.0.4"))
        #expect(!IPAddressLiteral.isIPv6("10.0.0.4"))
        #expect(IPAddressLiteral.isIPv6("fd00::4"))
        #expect(!IPAddressLiteral.isIPv4("fd00::4"))
    }

    @Test("canonical spells a literal as HAProxy shows it back, and refuses what is not one")
    func canonical() {
        #expect(IPAddressLiteral.canonical("FD00:0:0::4") == "fd00::4")
        #expect(IPAddressLiteral.canonical("0:0:0:0:0:0:0:1") == "::1")
        #expect(IPAddressLiteral.canonical("10.0.0.4") == "10.0.0.4")
        #expect(IPAddressLiteral.canonical("127.0.0.50\u{0} port 22") == nil)
        #expect(IPAddressLiteral.canonical("web-1") == nil)
    }
}
