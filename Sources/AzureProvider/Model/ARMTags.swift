/// Decodes ARM `tags`, which are documented as string → string but are passed through from user input:
/// a null or non-string value is dropped rather than failing the whole page.
struct ARMTags: Decodable, Hashable, Sendable {
    var values: [String: String]

    init(_ values: [String: String] = [:]) { self.values = values }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        var values: [String: String] = [:]
        for key in container.allKeys {
            if let text = try? container.decode(String.self, forKey: key) {
                values[key.stringValue] = text
            } else if let number = try? container.decode(Double.self, forKey: key) {
                values[key.stringValue] = number.rounded() == number ? String(Int(number)) : String(number)
            } else if let flag = try? container.decode(Bool.self, forKey: key) {
                values[key.stringValue] = String(flag)
            }
        }
        self.values = values
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
