/// Writes a ``JSONValue`` as compact JSON with sorted keys, for the Data Plane API's request bodies.
///
/// `JSONEncoder` goes through `Encodable` and boxes every value: writing one backend with its 3,000 slots was an
/// eighth of a first sync's CPU. Whole numbers below 2^53 are written as integers (`80`, not `80.0`), other
/// numbers in Swift's shortest round-trip form; strings escape `"`, `\` and control characters.
public enum JSONValueWriter {
    public static func bytes(_ value: JSONValue) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(1024)
        write(value, into: &output)
        return output
    }

    /// `fields` as an object with one more key, `key`, whose value `writeValue` writes straight into the output
    /// in the key's sorted place: the same bytes as `bytes(.object(fields + [key: value]))` without building
    /// `value` as a ``JSONValue`` first (a 3,000-server map is 2 MB of dictionaries; its bytes are 0.4 MB).
    /// `capacity` is the expected size of the whole body, reserved at once so the array is not regrown.
    public static func bytes(
        object fields: [String: JSONValue], adding key: String, capacity: Int,
        value writeValue: (inout [UInt8]) -> Void
    ) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(capacity)
        output.append(UInt8(ascii: "{"))
        var keys = fields.keys.filter { $0 != key }
        keys.append(key)
        for (index, name) in keys.sorted().enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            writeString(name, into: &output)
            output.append(UInt8(ascii: ":"))
            if name == key { writeValue(&output) } else { write(fields[name]!, into: &output) }
        }
        output.append(UInt8(ascii: "}"))
        return output
    }

    private static func write(_ value: JSONValue, into output: inout [UInt8]) {
        switch value {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let flag): output.append(contentsOf: (flag ? "true" : "false").utf8)
        case .number(let number):
            if let whole = value.intValue {
                output.append(contentsOf: String(whole).utf8)
            } else if number.isFinite {
                output.append(contentsOf: String(number).utf8)
            } else {
                output.append(contentsOf: "null".utf8)
            }
        case .string(let text): writeString(text, into: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                write(element, into: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let fields):
            output.append(UInt8(ascii: "{"))
            for (index, key) in fields.keys.sorted().enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                writeString(key, into: &output)
                output.append(UInt8(ascii: ":"))
                write(fields[key]!, into: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// `text` quoted and escaped into `output` as `JSONSerialization` writes it (which discoveryd's JSON log
    /// lines must match byte for byte): `\"`, `\\`, `\b \f \n \r \t`, other control characters as
    /// `\u00xx`; `/`, DEL and everything beyond ASCII as they are.
    public static func writeString(_ text: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x08: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x0A: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x00..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                output.append(hex[Int(byte >> 4)])
                output.append(hex[Int(byte & 0x0F)])
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}
