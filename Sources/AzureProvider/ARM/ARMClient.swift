import Foundation
import HTTPSupport
import Logging
import ProviderKit

/// Authenticated GETs against Azure Resource Manager, with retries and `nextLink` paging.
///
/// Every list is all-or-nothing: a page that still fails after the retries fails the whole list, so
/// a partial list can never be mistaken for the truth.
public struct ARMClient: Sendable {
    public var resourceManager: URL
    var sender: RetryingSender
    var credential: any TokenCredential
    /// Guards against a server that keeps answering with a `nextLink`.
    public var maximumPages: Int
    /// Where decoded ids are shared, for the fetch that set it (``withIDTable()``); nil decodes each id anew.
    var ids: ARMIDTable?

    init(
        resourceManager: URL,
        transport: any HTTPTransport,
        credential: any TokenCredential,
        retry: RetryPolicy,
        timeout: Duration,
        maximumPages: Int = 10_000,
        logger: Logger
    ) {
        self.resourceManager = resourceManager
        self.sender = RetryingSender(transport: transport, policy: retry, timeout: timeout, client: "azure", logger: logger,
            requests: APIRequestCounter(provider: "azure"))
        self.credential = credential
        self.maximumPages = maximumPages
    }

    /// The URL of `path` (an ARM id or a provider path starting with `/`) on this cloud's ARM endpoint.
    func url(path: String, query: [(String, String)]) -> String {
        var components = URLComponents()
        components.percentEncodedPath = Self.encodePath(path)
        components.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) }
        var base = resourceManager.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        return base + (components.string ?? path)
    }

    /// Every item of a paged list, following `nextLink` until it ends.
    func list<Item: Decodable & Sendable>(_ firstURL: String, of itemType: Item.Type) async throws -> [Item] {
        var items: [Item] = []
        var next: String? = firstURL
        var seen: Set<String> = []
        var pages = 0
        while let url = next {
            guard pages < maximumPages else {
                throw AzureProviderError(
                    .invalidPaging,
                    "GET \(URLRedaction.withoutQuery(firstURL)): more than \(maximumPages) pages; refusing to page further"
                )
            }
            guard seen.insert(url).inserted else {
                throw AzureProviderError(
                    .invalidPaging, "GET \(URLRedaction.withoutQuery(firstURL)): nextLink repeats a page already read"
                )
            }
            try checkSameOrigin(url, listedBy: firstURL)
            let page = try await get(url, as: ARMPage<Item>.self)
            items.append(contentsOf: page.value)
            next = page.continuation
            pages += 1
        }
        return items
    }

    /// One authenticated GET decoded as `T`; any non-2xx answer after the retries throws.
    func get<T: Decodable>(_ url: String, as type: T.Type) async throws -> T {
        let credential = self.credential
        let response = try await AzureProviderError.mappingTransportErrors {
            try await sender.send {
                let token = try await credential.accessToken()
                return HTTPRequestData(
                    url: url,
                    headers: [("Authorization", "Bearer \(token.token)"), ("Accept", "application/json")]
                )
            }
        }
        guard response.isSuccess else {
            if response.status == 401 {
                // A revoked or otherwise refused token: the next cycle starts with a fresh one.
                await credential.invalidate()
            }
            throw Self.statusError(response, url: url)
        }
        do {
            let decoder = JSONDecoder()
            if let ids { decoder.userInfo[ARMIDTable.userInfoKey] = ids }
            // The body in place, not a second copy of it (a list page is up to a few MB).
            return try response.body.withUnsafeBytes { body in
                guard let start = body.baseAddress else { return try decoder.decode(T.self, from: Data()) }
                let bytes = Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: start), count: body.count, deallocator: .none)
                return try decoder.decode(T.self, from: bytes)
            }
        } catch {
            throw AzureProviderError(
                .invalidResponse, "GET \(URLRedaction.withoutQuery(url)): cannot decode the answer: \(readableDescription(of: error))",
                status: response.status
            )
        }
    }

    /// This client with a fresh ``ARMIDTable``: the lists it reads share their ids until they are dropped.
    func withIDTable() -> ARMClient {
        var client = self
        client.ids = ARMIDTable()
        return client
    }

    /// A bearer token must only ever go to the ARM endpoint it was issued for.
    private func checkSameOrigin(_ url: String, listedBy firstURL: String) throws {
        guard let candidate = URL(string: url),
            candidate.scheme?.lowercased() == resourceManager.scheme?.lowercased(),
            candidate.host?.lowercased() == resourceManager.host?.lowercased(),
            candidate.port == resourceManager.port
        else {
            throw AzureProviderError(
                .invalidPaging,
                "GET \(URLRedaction.withoutQuery(firstURL)): nextLink \(URLRedaction.withoutQuery(url)) is not on \(resourceManager.absoluteString); not following it"
            )
        }
    }

    static func statusError(_ response: HTTPResponseData, url: String, method: String = "GET") -> AzureProviderError {
        var detail = ""
        if let body = try? JSONDecoder().decode(ARMErrorBody.self, from: Data(response.body)), let error = body.error {
            detail = ": \(error.code ?? "error"): \(error.message ?? "")"
        }
        return AzureProviderError(
            .unexpectedStatus,
            "\(method) \(URLRedaction.withoutQuery(url)) answered HTTP \(response.status)\(detail)",
            status: response.status
        )
    }

    private static func encodePath(_ path: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#")
        return path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path
    }
}

/// ARM's error shape: `{"error": {"code": "...", "message": "..."}}`.
struct ARMErrorBody: Decodable {
    var error: Detail?

    struct Detail: Decodable {
        var code: String?
        var message: String?
    }
}
