/// A fast 64-bit digest of an instance id's text, which ``InstanceID`` feeds to `Hasher` instead of the text.
///
/// Every plan looks every instance up in the slot assignments (`[InstanceID: String]`); with 100,000 Azure ids
/// of ~110 bytes, SipHash over all their bytes was a quarter of a no-op plan, nearly all of it waiting for the
/// bytes to come from memory. The digest reads the bytes eight at a time through a multiply-fold mix (as wyhash
/// does), and most of them only once per prefix (see ``State``); the `Hasher` then only sees one word, still
/// with its per-process random seed.
///
/// ## Why it agrees with `String`'s equality
/// `String` compares by canonical equivalence, so two ids that differ in bytes may still be equal and must then
/// hash alike. The digest is only taken of text whose normal form (NFC) is ASCII, and it digests that normal
/// form: ASCII as is, with the only three non-ASCII scalars whose canonical decomposition is ASCII
/// (U+037E → `;`, U+1FEF → `` ` ``, U+212A → `K`; `InstanceIDTests` checks the list against every scalar) mapped
/// to it. Any other non-ASCII scalar keeps a non-ASCII scalar in the normal form, so such text can never equal
/// ASCII text; for it ``of(_:)`` returns `nil` and the id hashes its `String` as before.
///
/// ``InstanceID`` keeps no digest: an id split at its last `/` continues its interned prefix's ``State`` over
/// the few bytes after it, and an id kept whole (no `/`, or not ASCII) is digested when hashed.
///
/// The digest is seeded per process, so the buckets an attacker could aim at differ between runs; instance ids
/// come from the operator's own inventory anyway, and a collision costs only a probe, never a wrong answer.
enum InstanceIDDigest {
    /// The digest of `text`, or `nil` if its normal form is not ASCII (the caller then hashes the `String`).
    static func of(_ text: String) -> UInt64? {
        var state = State()
        let fast = text.utf8.withContiguousStorageIfAvailable { bytes in
            state.absorb(UnsafeRawBufferPointer(bytes))
            return state.finish()
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
        var state = State()
        bytes.withUnsafeBytes { state.absorb($0) }
        return state.finish()
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

    /// A digest in progress: text can be fed in pieces (an interned prefix once, then each id's rest) and gives
    /// the same digest as fed whole, because bytes are mixed in eight at a time across the pieces' boundaries.
    struct State: Sendable {
        private var mixed = InstanceIDDigest.seed
        /// Bytes not yet mixed in (fewer than eight), little-endian.
        private var pending: UInt64 = 0
        private var pendingCount = 0
        private var count = 0
        /// Every byte seen, or-ed: tells whether the text was ASCII.
        private var seen: UInt64 = 0

        init() {}

        mutating func absorb(_ bytes: UnsafeRawBufferPointer) {
            count += bytes.count
            var offset = 0
            while pendingCount != 0, offset < bytes.count {
                absorb(byte: bytes[offset])
                offset += 1
            }
            while offset + 8 <= bytes.count {
                // Unaligned loads of plain integers from the text's own bytes: in bounds by the loop condition.
                let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                seen |= word
                mixed = InstanceIDDigest.fold(mixed ^ word, InstanceIDDigest.multiplier)
                offset += 8
            }
            while offset < bytes.count {
                absorb(byte: bytes[offset])
                offset += 1
            }
        }

        mutating func absorb(_ text: String) {
            let done: Void? = text.utf8.withContiguousStorageIfAvailable { absorb(UnsafeRawBufferPointer($0)) }
            if done == nil {
                for byte in text.utf8 {
                    count += 1
                    absorb(byte: byte)
                }
            }
        }

        @inline(__always)
        private mutating func absorb(byte: UInt8) {
            pending |= UInt64(byte) << UInt64(pendingCount * 8)
            pendingCount += 1
            if pendingCount == 8 {
                seen |= pending
                mixed = InstanceIDDigest.fold(mixed ^ pending, InstanceIDDigest.multiplier)
                pending = 0
                pendingCount = 0
            }
        }

        /// The digest of all bytes fed, or `nil` if some byte was not ASCII.
        func finish() -> UInt64? {
            var mixed = self.mixed
            if pendingCount != 0 { mixed = InstanceIDDigest.fold(mixed ^ pending, InstanceIDDigest.multiplier) }
            guard (seen | pending) & 0x8080_8080_8080_8080 == 0 else { return nil }
            return InstanceIDDigest.fold(mixed ^ UInt64(count), InstanceIDDigest.finalMultiplier)
        }
    }
}
