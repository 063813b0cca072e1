import Testing

@testable import ProviderKit

@Suite("Instance ids as dictionary keys")
struct InstanceIDTests {
    private static let prefix =
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg-bench/providers/"
        + "microsoft.compute/virtualmachines/"

    @Test("an assignment is found again under an id that is equal as text but spelled with other scalars")
    func canonicallyEqualIDsFindTheSameAssignment() {
        let pairs: [(String, String)] = [
            (Self.prefix + "vm-K1", Self.prefix + "vm-\u{212A}1"),  // KELVIN SIGN
            ("a;b", "a\u{037E}b"),  // GREEK QUESTION MARK
            (Self.prefix + "x`", Self.prefix + "x\u{1FEF}"),  // GREEK VARIA
            (Self.prefix + "caf\u{E9}", Self.prefix + "cafe\u{301}"),  // precomposed vs combining accent
        ]
        for (stored, looked) in pairs {
            #expect(InstanceID(stored) == InstanceID(looked))
            let assignments: [InstanceID: String] = [InstanceID(stored): "srv7"]
            #expect(assignments[InstanceID(looked)] == "srv7", "\(looked.unicodeScalars.map(\.value))")
            #expect(Set([InstanceID(stored), InstanceID(looked)]).count == 1)
        }
        var renamed = InstanceID(Self.prefix + "vm-1")
        renamed.rawValue = Self.prefix + "vm-K"
        #expect([InstanceID(Self.prefix + "vm-\u{212A}"): "srv2"][renamed] == "srv2")
        #expect([InstanceID(Self.prefix + "vm-1"): "srv1"][renamed] == nil)
    }

    @Test("ids that differ anywhere, even in one byte deep inside, stay apart")
    func distinctIDsStayDistinct() {
        var ids: [InstanceID] = []
        for number in 0..<2_000 { ids.append(InstanceID(Self.prefix + "vm-\(number)")) }
        for group in 0..<50 {
            ids.append(InstanceID("/subscriptions/x/resourcegroups/rg-\(group)/providers/microsoft.compute/vm-1"))
        }
        ids += ["", "a", "a\u{0}", "K", "\u{212A}\u{212A}", "caf\u{E9}"].map { InstanceID($0) }
        var assignments: [InstanceID: Int] = [:]
        for (index, id) in ids.enumerated() { assignments[id] = index }
        #expect(assignments.count == ids.count)
        for (index, id) in ids.enumerated() { #expect(assignments[id] == index) }
        // The digests themselves differ too: colliding ones would only cost time, but would show a broken mix.
        let digests = Set(ids.compactMap { InstanceIDDigest.of($0.rawValue) })
        #expect(digests.count == ids.count - 1)  // "caf\u{E9}" has no digest, every other id one of its own
    }

    @Test("the scalars mapped to ASCII are exactly those Swift's String equality treats as ASCII")
    func asciiEquivalentsAreComplete() {
        var asciiStrings: [String: UInt8] = [:]
        for byte in UInt8(0)..<128 { asciiStrings[String(Unicode.Scalar(byte))] = byte }
        var mismatches: [UInt32] = []
        for value in UInt32(0x80)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            if asciiStrings[String(scalar)] != InstanceIDDigest.asciiEquivalent(of: scalar) { mismatches.append(value) }
        }
        #expect(mismatches.isEmpty)
    }
}

@Suite("Instance ids kept as an interned prefix and a short rest")
struct InstanceIDRepresentationTests {
    /// Ids split at their last `/` (ASCII) mixed with ids kept whole (no `/`, or not ASCII).
    private static let texts: [String] = {
        let azure = "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/"
        var texts = [
            "", "/", "//", "a/", "/a", "a", "K", "i-0123456789abcdef0", "i-0123456789abcdef1", "web-1", "web-10",
            "web-9", "a;b", "a\u{037E}b", "x`", "x\u{1FEF}", "\u{212A}", "caf\u{E9}", "cafe\u{301}", "caf\u{E9}/x",
            "/a/", "/a/b", "/a/b/", "/a/b/c", "/a//", "/a/bb", "/a/b\u{7F}", "/rg-K/vm-1", "/rg-\u{212A}/vm-1",
            "/rg-;/vm", "/rg-\u{037E}/vm", "/rg-`/vm", "/rg-\u{1FEF}/vm", "/rg/vm-K", "/rg/vm-\u{212A}",
            "/rg/a-name-longer-than-fifteen-bytes", "/rg/a-name-longer-than-fifteen-bytez", "/rg/vm-a\u{0}",
        ]
        for group in ["rg-a", "rg-b", "rg-ab"] {
            for number in [0, 1, 9, 10, 99] {
                texts.append(azure + group + "/providers/microsoft.compute/virtualmachines/vm-\(number)")
                texts.append(
                    azure + group
                        + "/providers/microsoft.compute/virtualmachinescalesets/ss/virtualmachines/\(number)"
                )
            }
        }
        return texts
    }()

    @Test("every id gives back exactly the text it was made from")
    func rawValueRoundTrips() {
        for text in Self.texts {
            #expect(Array(InstanceID(text).rawValue.utf8) == Array(text.utf8))
            #expect(InstanceID(text).description == text)
        }
        var id = InstanceID("/rg/vm-1")
        id.rawValue = "i-0123456789abcdef0"
        #expect(id == InstanceID("i-0123456789abcdef0"))
        #expect(id.rawValue == "i-0123456789abcdef0")
    }

    @Test("equality, order and hash are those of the text as a String, however each side is kept")
    func operationsAgreeWithStringSemantics() {
        let ids = Self.texts.map { InstanceID($0) }
        for (left, leftText) in zip(ids, Self.texts) {
            for (right, rightText) in zip(ids, Self.texts) {
                #expect((left == right) == (leftText == rightText), "\(leftText) == \(rightText)")
                #expect((left < right) == (leftText < rightText), "\(leftText) < \(rightText)")
                if leftText == rightText { #expect(left.hashValue == right.hashValue, "\(leftText) hash") }
            }
        }
        let sortedIDs = ids.shuffled().sorted().map(\.rawValue)
        let sortedTexts = Self.texts.sorted()
        #expect(zip(sortedIDs, sortedTexts).allSatisfy { $0 == $1 })
    }

    @Test("an assignment is found under an id equal as text, whichever side has the non-ASCII spelling")
    func lookupsAcrossRepresentations() {
        let pairs: [(String, String)] = [
            ("/rg-K/vm-1", "/rg-\u{212A}/vm-1"), ("/rg-;/vm", "/rg-\u{037E}/vm"), ("/rg-`/vm", "/rg-\u{1FEF}/vm"),
            ("/rg/vm-K", "/rg/vm-\u{212A}"), ("a;b", "a\u{037E}b"),
        ]
        for (ascii, other) in pairs {
            #expect([InstanceID(ascii): "srv1"][InstanceID(other)] == "srv1")
            #expect([InstanceID(other): "srv2"][InstanceID(ascii)] == "srv2")
            #expect(Set([InstanceID(ascii), InstanceID(other)]).count == 1)
        }
    }

    @Test("prefixes no id holds any more are dropped from the process-wide table")
    func prefixTableStaysBounded() {
        for group in 0..<20_000 {
            let id = InstanceID("/subscriptions/s/resourcegroups/churn-\(group)/providers/microsoft.compute/vm/1")
            #expect(id.rawValue.hasSuffix("/1"))
        }
        // Twenty thousand prefixes came and went; the table holds about twice the live ones (other tests' ids).
        #expect(InstanceIDPrefix.tableEntryCount < 5_000)
    }
}
