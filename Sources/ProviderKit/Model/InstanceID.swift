/// The stable identity of an ``Instance``.
///
/// Azure ids are ~110 bytes of which all but the machine's name are shared with its neighbours
/// (`/subscriptions/<sub>/resourcegroups/<rg>/providers/microsoft.compute/virtualmachines/` + name, or
/// `…/virtualmachinescalesets/<ss>/virtualmachines/<n>`). Kept as one `String`, each id was a heap block of its
/// own: with 100,000 machines, 17.6 MB, and every hash or sort read scattered through it. So an ASCII id with a `/`
/// is kept as its text up to and including the last `/`, interned once per process (``InstanceIDPrefix``), and
/// the rest, which Swift keeps inline when it is at most 15 UTF-8 bytes. Any other id (no `/`, such as AWS's
/// `i-0123456789abcdef0`, or with non-ASCII text) is kept whole, as before. Either way the id is 24 bytes.
///
/// Equality, ordering and hashing are those of ``rawValue`` as a `String` (canonical equivalence), whichever
/// way each side is kept:
/// - Split ids are ASCII, where `String` compares bytes: with the same prefix only the short rests are
///   compared; otherwise the bytes of prefix and rest in turn.
/// - A split id never equals a whole ASCII id (that one has no `/`); it can equal a whole non-ASCII id only
///   through the three scalars whose normal form is ASCII (see ``InstanceIDDigest``), which the rare mixed
///   comparison handles by comparing `rawValue`s.
/// - Both hash the ``InstanceIDDigest`` of their normal form when it is ASCII (a split id continues its
///   prefix's precomputed digest state over the rest, so hashing reads no text behind a pointer), else the
///   `String`.
public struct InstanceID: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    /// The interned text up to and including the last `/`, or `nil` when the id is kept whole in `rest`.
    private var prefix: InstanceIDPrefix?
    /// The text after `prefix` (ASCII, no `/`), or the whole id when `prefix` is `nil`.
    private var rest: String

    public var rawValue: String {
        get {
            guard let prefix else { return rest }
            return prefix.text + rest
        }
        set { (prefix, rest) = Self.split(newValue) }
    }

    public init(rawValue: String) {
        (prefix, rest) = Self.split(rawValue)
    }

    public init(_ rawValue: String) { self.init(rawValue: rawValue) }
    public init(stringLiteral value: String) { self.init(rawValue: value) }
    public var description: String { rawValue }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        switch (lhs.prefix, rhs.prefix) {
        case (let left?, let right?):
            return lhs.rest == rhs.rest && (left === right || left.text == right.text)
        case (nil, nil):
            return lhs.rest == rhs.rest
        case (nil, _?):
            return !isASCII(lhs.rest) && lhs.rawValue == rhs.rawValue
        case (_?, nil):
            return !isASCII(rhs.rest) && lhs.rawValue == rhs.rawValue
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        switch (lhs.prefix, rhs.prefix) {
        case (let left?, let right?):
            if left === right { return lhs.rest < rhs.rest }
            return ASCIIPair(left.text, lhs.rest).lexicographicallyPrecedes(ASCIIPair(right.text, rhs.rest))
        case (nil, nil):
            return lhs.rest < rhs.rest
        case (nil, let right?):
            guard isASCII(lhs.rest) else { return lhs.rawValue < rhs.rawValue }
            return ASCIIPair("", lhs.rest).lexicographicallyPrecedes(ASCIIPair(right.text, rhs.rest))
        case (let left?, nil):
            guard isASCII(rhs.rest) else { return lhs.rawValue < rhs.rawValue }
            return ASCIIPair(left.text, lhs.rest).lexicographicallyPrecedes(ASCIIPair("", rhs.rest))
        }
    }

    public func hash(into hasher: inout Hasher) {
        if let prefix {
            var digest = prefix.digestState
            digest.absorb(rest)
            hasher.combine(digest.finish() ?? 0)  // never nil: a split id is ASCII
        } else if let digest = InstanceIDDigest.of(rest) {
            hasher.combine(digest)
        } else {
            hasher.combine(rest)
        }
    }

    /// The interned prefix and the rest, or `nil` and the whole text when it is not ASCII or has no `/`.
    private static func split(_ text: String) -> (InstanceIDPrefix?, String) {
        let split = text.utf8.withContiguousStorageIfAvailable { bytes -> (InstanceIDPrefix, String)? in
            var seen: UInt8 = 0
            var lastSlash = -1
            for index in bytes.indices {
                seen |= bytes[index]
                if bytes[index] == UInt8(ascii: "/") { lastSlash = index }
            }
            guard seen < 0x80, lastSlash >= 0 else { return nil }
            let prefixBytes = UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[...lastSlash]))
            let prefix = InstanceIDPrefix.interned(prefixBytes)
            let rest = String(decoding: UnsafeBufferPointer(rebasing: bytes[(lastSlash + 1)...]), as: UTF8.self)
            return (prefix, rest)
        }
        if let split, let split { return split }
        return (nil, text)
    }

    private static func isASCII(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 < 0x80 }
    }
}

/// The UTF-8 bytes of two strings one after the other, without joining them: compares split ids with different
/// prefixes byte by byte, which for ASCII text is `String`'s order.
private struct ASCIIPair: Sequence {
    var first: String.UTF8View
    var second: String.UTF8View

    init(_ first: String, _ second: String) {
        self.first = first.utf8
        self.second = second.utf8
    }

    func makeIterator() -> Iterator { Iterator(first: first.makeIterator(), second: second.makeIterator()) }

    struct Iterator: IteratorProtocol {
        var first: String.UTF8View.Iterator
        var second: String.UTF8View.Iterator
        var inSecond = false

        mutating func next() -> UInt8? {
            if !inSecond {
                if let byte = first.next() { return byte }
                inSecond = true
            }
            return second.next()
        }
    }
}
