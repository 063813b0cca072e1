import Foundation

/// Caches a ``TokenSource``'s token and fetches a new one only shortly before it expires.
///
/// Concurrent callers during a refresh share one request to the token endpoint.
actor CachingCredential: TokenCredential {
    /// Azure's SDKs refresh 5 minutes before expiry.
    static let refreshMargin: TimeInterval = 5 * 60

    private let source: any TokenSource
    private let now: @Sendable () -> Date
    private var cached: AccessToken?
    private var refreshing: Task<AccessToken, any Error>?

    init(source: any TokenSource, now: @escaping @Sendable () -> Date = { Date() }) {
        self.source = source
        self.now = now
    }

    func accessToken() async throws -> AccessToken {
        if let cached, now() < cached.expiresOn.addingTimeInterval(-Self.refreshMargin) {
            return cached
        }
        if let refreshing {
            return try await refreshing.value
        }
        let source = self.source
        let task = Task { try await source.fetchToken() }
        refreshing = task
        defer { refreshing = nil }
        let token = try await task.value
        cached = token
        return token
    }

    func invalidate() {
        cached = nil
    }
}
