import ProviderKit
import ProviderKitTesting
import Testing

@Suite struct TagInternerTests {
    static func decoded(_ service: String, owner: String) -> [String: String] {
        // Built at run time, as a decoder does: no two of these share anything before interning.
        ["HAProxy:Service:Name": String(service), "HAProxy:Service:Port": "80" + "80", "Owner": "team-" + owner]
    }

    @Test func equalTagSetsShareOneDictionaryAndStayEqual() {
        var interner = TagInterner()
        let first = interner.intern(Self.decoded("web", owner: "a"))
        let second = interner.intern(Self.decoded("web", owner: "a"))
        let other = interner.intern(Self.decoded("api", owner: "a"))
        #expect(first == Self.decoded("web", owner: "a"))
        #expect(second == first)
        #expect(sharesStorage(first, second))
        #expect(!sharesStorage(first, other))
        #expect(other == Self.decoded("api", owner: "a"))
        #expect(interner.distinctSets == 2)
    }

    @Test func differentSetsStillShareLongValues() {
        var interner = TagInterner()
        // Two separately allocated copies of a value too long to be stored inline, as two decoded instances have.
        func decodedLongValue() -> String { String(decoding: Array(repeating: UInt8(ascii: "x"), count: 40), as: UTF8.self) }
        let first = interner.intern(["HAProxy:Service:Name": "web", "Description": decodedLongValue()])
        let second = interner.intern(["HAProxy:Service:Name": "api", "Description": decodedLongValue()])
        var a = first["Description"]!
        var b = second["Description"]!
        let sameBytes = a.withUTF8 { left in b.withUTF8 { right in left.baseAddress == right.baseAddress } }
        #expect(sameBytes, "one copy of a long value serves both sets")
        #expect(!sharesStorage(first, second))
    }

    @Test func emptyTagsStayEmpty() {
        var interner = TagInterner()
        #expect(interner.intern([:]).isEmpty)
        #expect(interner.distinctSets == 0)
    }
}
