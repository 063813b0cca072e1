import Foundation
import HAProxySink

/// One JSON log line's values, encoded by hand: a first sync logs a line per server change (thousands), and
/// `JSONSerialization` (boxing into `Any`, `NSNumber`, a locale-aware key sort) cost about a tenth of the
/// cycle's CPU.
///
/// The bytes are exactly those `JSONSerialization` writes with `[.sortedKeys, .withoutEscapingSlashes]`, so
/// that log pipelines see no change. Where matching it by hand would need its locale-aware, numeric key
/// order or its formatting of large or tiny doubles, ``encoded()`` returns nil and the caller falls back to
/// `JSONSerialization` itself (``foundationObject``):
/// - keys are sorted only when every key is made of `a`-`z` and `_` (`_` sorts before the letters, a prefix
///   before its extensions), which covers the Python-compatible fields and snake-cased metadata;
/// - a double is written only when it is finite and below 1e15 in magnitude: whole numbers without a
///   fraction (`100`), others as Swift's shortest round-trip form (`0.42`), as long as that has no exponent.
enum JSONLogLine: Sendable {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case array([JSONLogLine])
    case object([String: JSONLogLine])

    /// The same value as `JSONSerialization` takes it.
    var foundationObject: Any {
        switch self {
        case .string(let value): value
        case .int(let value): value
        case .double(let value): value
        case .bool(let value): value
        case .array(let values): values.map(\.foundationObject)
        case .object(let values): values.mapValues(\.foundationObject)
        }
    }

    /// The JSON text, or nil where only `JSONSerialization` knows the exact bytes.
    func encoded() -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(256)
        return write(into: &output) ? output : nil
    }

    private func write(into output: inout [UInt8]) -> Bool {
        switch self {
        case .string(let value):
            Self.writeString(value, into: &output)
        case .int(let value):
            output.append(contentsOf: String(value).utf8)
        case .bool(let value):
            output.append(contentsOf: (value ? "true" : "false").utf8)
        case .double(let value):
            guard let text = Self.plainDouble(value) else { return false }
            output.append(contentsOf: text.utf8)
        case .array(let values):
            output.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                guard value.write(into: &output) else { return false }
            }
            output.append(UInt8(ascii: "]"))
        case .object(let values):
            guard values.keys.allSatisfy(Self.hasPlainKeyOrder) else { return false }
            output.append(UInt8(ascii: "{"))
            for (index, key) in values.keys.sorted(by: Self.keyOrder).enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                Self.writeString(key, into: &output)
                output.append(UInt8(ascii: ":"))
                guard values[key]!.write(into: &output) else { return false }
            }
            output.append(UInt8(ascii: "}"))
        }
        return true
    }

    /// `a`-`z` and `_` only: the keys whose order under `JSONSerialization`'s comparison is known.
    static func hasPlainKeyOrder(_ key: String) -> Bool {
        key.utf8.allSatisfy { ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || $0 == UInt8(ascii: "_") }
    }

    /// `_` before every letter, otherwise byte order; a prefix first.
    static func keyOrder(_ lhs: String, _ rhs: String) -> Bool {
        func rank(_ byte: UInt8) -> UInt8 { byte == UInt8(ascii: "_") ? 0 : byte }
        for (left, right) in zip(lhs.utf8, rhs.utf8) where left != right {
            return rank(left) < rank(right)
        }
        return lhs.utf8.count < rhs.utf8.count
    }

    /// `100`, `0.42`, `-3.75`; nil for what `JSONSerialization` writes in its own way (exponents, large values).
    static func plainDouble(_ value: Double) -> String? {
        guard value.isFinite, abs(value) < 1e15, !(value == 0 && value.sign == .minus) else { return nil }
        if value == value.rounded(.towardZero) { return String(Int(value)) }
        let text = String(value)
        return text.contains("e") ? nil : text
    }

    static func writeString(_ value: String, into output: inout [UInt8]) {
        JSONValueWriter.writeString(value, into: &output)
    }
}
