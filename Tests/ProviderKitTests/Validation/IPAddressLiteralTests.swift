import Testing

@testable import ProviderKit

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

    @Test("the dotted-quad shortcut answers exactly as the C library for every text it accepts or refuses")
    func dottedQuadShortcutAgreesWithTheCLibrary() {
        var texts: [String] = []
        for octet in 0...300 {
            for spelling in ["\(octet)", "0\(octet)", "00\(octet)"] {
                texts += ["\(spelling).0.0.1", "10.\(spelling).0.1", "10.0.0.\(spelling)", "\(spelling)"]
            }
        }
        texts += ["1.2.3", "1.2.3.4.5", "1..2.3", ".1.2.3", "1.2.3.", "1.2.3.4.", "", "1.2.3.4a", "a.b.c.d"]
        // And short random texts over the characters that matter.
        let alphabet = Array("0123456789.:a ")
        var state: UInt64 = 14
        for _ in 0..<20_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            var text = ""
            for shift in stride(from: 4, to: 4 + Int(state >> 60) * 4, by: 4) {
                text.append(alphabet[Int((state >> UInt64(shift)) % UInt64(alphabet.count))])
            }
            texts.append(text)
        }
        var disagreements: [String] = []
        for text in texts where IPAddressLiteral.canonical(text) != IPAddressLiteral.canonicalByCLibrary(text)
            || (IPAddressLiteral.isCanonicalDottedQuad(text) && IPAddressLiteral.canonicalByCLibrary(text) != text)
        {
            disagreements.append(text)
        }
        #expect(disagreements.isEmpty)
        #expect(texts.contains { IPAddressLiteral.isCanonicalDottedQuad($0) })
    }
}
