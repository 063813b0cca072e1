/// A reference to another ARM resource: `{ "id": "/subscriptions/..." }`.
struct SubResource: Decodable, Hashable, Sendable {
    var id: String?

    /// ARM ids are case-insensitive; every join uses this form.
    var key: String? { id.map { $0.lowercased() } }
}
