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
