/// Text that came from a provider or an API (instance names, tag values, error bodies), made safe to print.
///
/// A newline in an instance name must not forge a log line, and an error body must not flood a terminal:
/// control characters (C0, DEL, C1, and the Unicode line and paragraph separators) are shown as escapes
/// (`\n`, `\u{0}`), and long text is cut with a note saying how much was left out.
public enum UntrustedText {
    /// `text` with every control character escaped; text without one is returned as is.
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscaping) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            guard needsEscaping(scalar) else {
                result.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default: result += "\\u{\(String(scalar.value, radix: 16))}"
            }
        }
        return result
    }

    /// ``escaped(_:)``, cut to at most `limit` characters (before escaping) with the rest counted.
    public static func escaped(_ text: String, limit: Int) -> String {
        guard text.count > limit else { return escaped(text) }
        return escaped(String(text.prefix(limit))) + "… (\(text.count - limit) more characters)"
    }

    /// Whether `text` holds a control character or whitespace other than a plain space: what may never be
    /// part of a single argument sent to HAProxy.
    public static func containsControlOrWhitespace(_ text: String) -> Bool {
        text.unicodeScalars.contains { needsEscaping($0) || $0.properties.isWhitespace }
    }

    /// Whether ``escaped(_:)`` shows `scalar` as an escape: C0, DEL, C1 and the Unicode line and paragraph
    /// separators.
    public static func needsEscaping(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029: true
        default: false
        }
    }
}
