/// A fast 64-bit digest of an instance id's text, which ``InstanceID`` keeps and feeds to `Hasher` instead of
/// the text.
///
/// Every plan looks every instance up in the slot assignments (`[InstanceID: String]`); with 100,000 Azure ids
/// of ~110 bytes, SipHash over all their bytes was a quarter of a no-op plan, nearly all of it waiting for the
/// bytes to come from memory. The digest is taken once, when the id is made, reading the bytes eight at a time
/// through a multiply-fold mix (as wyhash does); the `Hasher` then only sees one word, still with its
/// per-process random seed.
///
/// ## Why it agrees with `String`'s equality
/// `String` compares by canonical equivalence, so two ids that differ in bytes may still be equal and must then
/// hash alike. The digest is only taken of text whose normal form (NFC) is ASCII, and it digests that normal
/// form: ASCII as is, with the only three non-ASCII scalars whose canonical decomposition is ASCII
/// (U+037E → `;`, U+1FEF → `` ` ``, U+212A → `K`; `InstanceIDTests` checks the list against every scalar) mapped
/// to it. Any other non-ASCII scalar keeps a non-ASCII scalar in the normal form, so such text can never equal
/// ASCII text; for it ``of(_:)`` returns `nil` and the id hashes its `String` as before.
///
/// The digest is seeded per process, so the buckets an attacker could aim at differ between runs; instance ids
/// come from the operator's own inventory anyway, and a collision costs only a probe, never a wrong answer.
enum InstanceIDDigest {
    /// What an ``InstanceID`` stores when its text has no digest.
    static let none: UInt64 = 0

    /// The digest to store for `text`: never ``none`` unless the text has no digest.
    static func stored(_ text: String) -> UInt64 {
        guard let digest = of(text) else { return none }
        return digest == none ? 1 : digest
    }

    /// The digest of `text`, or `nil` if its normal form is not ASCII (the caller then hashes the `String`).
    static func of(_ text: String) -> UInt64? {
        let fast = text.utf8.withContiguousStorageIfAvailable { bytes in
            asciiDigest(UnsafeRawBufferPointer(bytes))
        }
        if let fast, let digest = fast { return digest }
        return mappedDigest(text)
    }

    /// Non-ASCII scalars whose canonical decomposition is a single ASCII scalar (Unicode's full list).
    static func asciiEquivalent(of scalar: Unicode.Scalar) -> UInt8? {
        switch scalar.value {
        case 0x037E: UInt8(ascii: ";")  // GREEK QUESTION MARK
        case 0x1FEF: UInt8(ascii: "`")  // GREEK VARIA
        case 0x212A: UInt8(ascii: "K")  // KELVIN SIGN
        default: nil
        }
    }

    /// Text with other non-ASCII scalars than the three equivalents, or not stored contiguously: slow, rare.
    private static func mappedDigest(_ text: String) -> UInt64? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if scalar.isASCII {
                bytes.append(UInt8(scalar.value))
            } else if let ascii = asciiEquivalent(of: scalar) {
                bytes.append(ascii)
            } else {
                return nil
            }
        }
        return bytes.withUnsafeBytes { asciiDigest($0) }
    }

    private static let seed: UInt64 = {
        var hasher = Hasher()  // randomly seeded per process (unless SWIFT_DETERMINISTIC_HASHING is set)
        hasher.combine(0x6964_6469_6765_7374 as UInt64)
        return UInt64(UInt(bitPattern: hasher.finalize()))
    }()

    private static let multiplier: UInt64 = 0xA076_1D64_78BD_642F
    private static let finalMultiplier: UInt64 = 0xE703_7ED1_A0B4_28DB

    /// The 128-bit product folded to 64 bits: every input bit reaches most output bits.
    @inline(__always)
    private static func fold(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (high, low) = a.multipliedFullWidth(by: b)
        return high ^ low
    }

    /// The digest of `bytes` if they are all ASCII, else `nil`.
    private static func asciiDigest(_ bytes: UnsafeRawBufferPointer) -> UInt64? {
        var state = seed ^ UInt64(bytes.count)
        var seen: UInt64 = 0
        var offset = 0
        while offset + 8 <= bytes.count {
            // Unaligned loads of plain integers from the string's own bytes: in bounds by the loop condition.
            let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            seen |= word
            state = fold(state ^ word, multiplier)
            offset += 8
        }
        if offset < bytes.count {
            var word: UInt64 = 0
            var shift: UInt64 = 0
            while offset < bytes.count {
                word |= UInt64(bytes[offset]) << shift
                shift += 8
                offset += 1
            }
            seen |= word
            state = fold(state ^ word, multiplier)
        }
        guard seen & 0x8080_8080_8080_8080 == 0 else { return nil }
        return fold(state ^ UInt64(bytes.count), finalMultiplier)
    }
}
