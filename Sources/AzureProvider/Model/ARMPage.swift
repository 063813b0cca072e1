/// One page of an ARM list operation: `{ "value": [...], "nextLink": "<absolute url>" }`.
///
/// `nextLink` is absent, null or empty on the last page. It is followed verbatim: it already carries the
/// `api-version` and the continuation token.
struct ARMPage<Item: Decodable & Sendable>: Decodable, Sendable {
    var value: [Item]
    var nextLink: String?

    private enum CodingKeys: String, CodingKey { case value, nextLink }

    init(value: [Item], nextLink: String?) {
        self.value = value
        self.nextLink = nextLink
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        // ARM always sends `value` (`[]` when empty). A page without it is not an empty list but a broken
        // answer (a proxy's error page, a truncated body): reading it as "no machines" would drain them all.
        guard container.contains(.value) else {
            throw DecodingError.keyNotFound(
                CodingKeys.value,
                DecodingError.Context(
                    codingPath: decoder.codingPath,
                    debugDescription: "the list page has no \"value\" array, so it is not a list result; "
                        + "treated as a failure rather than as an empty list"
                )
            )
        }
        value = try container.decode([Item].self, forKey: .value)
        nextLink = try container.decodeIfPresent(String.self, forKey: .nextLink)
    }

    /// The next page's URL, or nil when this is the last page.
    var continuation: String? {
        guard let nextLink, !nextLink.isEmpty else { return nil }
        return nextLink
    }
}
