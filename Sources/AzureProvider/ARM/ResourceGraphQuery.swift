import HTTPSupport
import Foundation
import ProviderKit

/// One Azure Resource Graph query, paged to the end: `POST /providers/Microsoft.ResourceGraph/resources`.
///
/// Shapes follow the documented `QueryRequest` / `QueryResponse` (examples `ResourcesFirstPageQuery`,
/// `ResourcesNextPageQuery`): results as `objectArray`, at most 1000 rows a page, the next page asked for
/// with `options.$skipToken`. Resource Graph answers with what the identity may read, so it needs no
/// subscription-scope role. Its own quota is honoured: when `x-ms-user-quota-remaining` reaches 0 the
/// next page waits `x-ms-user-quota-resets-after`, and a 429 is retried after it (see ``RetryPolicy``).
struct ResourceGraphQuery: Sendable {
    /// Resource Graph's GA api-version shipped by Azure's Go SDK (`armresourcegraph`).
    static let apiVersion = "2022-10-01"
    static let rowsPerPage = 1000

    var subscriptionIDs: [String]
    /// KQL; it must project `id` and order by it so that pages are stable.
    var query: String

    func rows<Row: Decodable & Sendable>(_ rowType: Row.Type, using client: ARMClient) async throws -> [Row] {
        let url = client.url(path: "/providers/Microsoft.ResourceGraph/resources", query: [("api-version", Self.apiVersion)])
        var rows: [Row] = []
        var skipToken: String?
        var seenTokens: Set<String> = []
        for _ in 0..<client.maximumPages {
            let request = Request(
                subscriptions: subscriptionIDs, query: query,
                options: .init(top: Self.rowsPerPage, skipToken: skipToken, resultFormat: "objectArray")
            )
            let response = try await client.post(url, json: Array(try JSONEncoder().encode(request)))
            let page: Response<Row>
            do {
                page = try JSONDecoder().decode(Response<Row>.self, from: Data(response.body))
            } catch {
                throw AzureProviderError(
                    .invalidResponse, "POST \(URLRedaction.withoutQuery(url)): cannot decode the Resource Graph answer: \(readableDescription(of: error))",
                    status: response.status
                )
            }
            rows += page.data
            guard let next = page.skipToken, !next.isEmpty else {
                if page.resultTruncated == true {
                    throw AzureProviderError(
                        .invalidPaging,
                        "POST \(URLRedaction.withoutQuery(url)): Resource Graph truncated the result without a $skipToken; refusing a partial list"
                    )
                }
                return rows
            }
            guard seenTokens.insert(next).inserted else {
                throw AzureProviderError(.invalidPaging, "POST \(URLRedaction.withoutQuery(url)): $skipToken repeats a page already read")
            }
            skipToken = next
            if let wait = QuotaHeaders(response)?.waitBeforeNextRequest {
                guard wait <= client.sender.policy.maximumDelay else {
                    throw AzureProviderError(
                        .requestFailed,
                        "POST \(URLRedaction.withoutQuery(url)): Resource Graph quota exhausted for \(wait); trying again next cycle",
                        status: response.status
                    )
                }
                try await client.sender.policy.sleep(wait)
            }
        }
        throw AzureProviderError(
            .invalidPaging, "POST \(URLRedaction.withoutQuery(url)): more than \(client.maximumPages) pages; refusing to page further"
        )
    }

    /// `QueryRequest`.
    struct Request: Encodable {
        var subscriptions: [String]
        var query: String
        var options: Options

        struct Options: Encodable {
            var top: Int
            var skipToken: String?
            var resultFormat: String

            enum CodingKeys: String, CodingKey {
                case top = "$top"
                case skipToken = "$skipToken"
                case resultFormat
            }
        }
    }

    /// `QueryResponse` with `objectArray` data.
    struct Response<Row: Decodable & Sendable>: Decodable, Sendable {
        var data: [Row]
        var skipToken: String?
        /// Documented as the string `"true"`/`"false"`; a JSON boolean is accepted too.
        var resultTruncated: Bool?

        enum CodingKeys: String, CodingKey {
            case data
            case skipToken = "$skipToken"
            case resultTruncated
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            data = try container.decode([Row].self, forKey: .data)
            skipToken = try container.decodeIfPresent(String.self, forKey: .skipToken)
            if let text = try? container.decodeIfPresent(String.self, forKey: .resultTruncated) {
                resultTruncated = text.lowercased() == "true"
            } else {
                resultTruncated = try? container.decodeIfPresent(Bool.self, forKey: .resultTruncated)
            }
        }
    }
}
