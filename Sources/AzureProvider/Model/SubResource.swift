/// A reference to another ARM resource: `{ "id": "/subscriptions/..." }`.
struct SubResource: Decodable, Hashable, Sendable {
    var id: String?

    /// ARM ids are case-insensitive; every join uses this form.
    var key: String? { id.map { $0.lowercased() } }
}

// In an extension, so that the memberwise initialiser stays. The id goes through the fetch's ``ARMIDTable``.
extension SubResource {
    private enum CodingKeys: String, CodingKey { case id }

    init(from decoder: any Decoder) throws {
        id = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(String.self, forKey: .id).map(decoder.armID)
    }
}
