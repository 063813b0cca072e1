import Foundation

/// A source of AWS credentials.
///
/// ## Contract
/// - ``credentials()`` returns keys usable now: a refreshing source renews temporary keys before they expire.
/// - A source that does not apply here (its environment variables are unset, no profile file, no metadata
///   endpoint) throws ``AWSProviderError/Code/credentialUnavailable`` so a chain moves on; any other error
///   means the source applies but failed, and the chain stops there.
/// - ``invalidate()`` drops cached keys (AWS said they expired); the next call fetches fresh ones.
/// - Errors and descriptions never contain a secret or token.
public protocol AWSCredentialProvider: Sendable {
    func credentials() async throws -> AWSCredentials
    func invalidate() async
}

extension AWSCredentialProvider {
    public func invalidate() async {}
}

/// Long-term keys that never change (environment variables, a profile's static keys).
struct StaticCredentials: AWSCredentialProvider {
    var value: AWSCredentials
    func credentials() async throws -> AWSCredentials { value }
}

/// Caches temporary credentials and renews them `refreshMargin` before they expire; one refresh at a time.
actor RefreshingCredentials: AWSCredentialProvider {
    private let fetch: @Sendable () async throws -> AWSCredentials
    private let refreshMargin: TimeInterval
    private let now: @Sendable () -> Date
    private var cached: AWSCredentials?
    private var inFlight: Task<AWSCredentials, any Error>?

    init(
        refreshMargin: TimeInterval = 300,
        now: @escaping @Sendable () -> Date = { Date() },
        fetch: @escaping @Sendable () async throws -> AWSCredentials
    ) {
        self.fetch = fetch
        self.refreshMargin = refreshMargin
        self.now = now
    }

    func credentials() async throws -> AWSCredentials {
        if let cached, !needsRefresh(cached) { return cached }
        if let inFlight { return try await inFlight.value }
        let task = Task { try await fetch() }
        inFlight = task
        defer { inFlight = nil }
        let fresh = try await task.value
        cached = fresh
        return fresh
    }

    func invalidate() async { cached = nil }

    private func needsRefresh(_ credentials: AWSCredentials) -> Bool {
        guard let expiration = credentials.expiration else { return false }
        return expiration.timeIntervalSince(now()) <= refreshMargin
    }
}

/// Tries sources in order and keeps the first that has credentials, as the SDKs' default chain does.
actor CredentialChain: AWSCredentialProvider {
    private let sources: [(name: String, provider: any AWSCredentialProvider)]
    private var chosen: (any AWSCredentialProvider)?
    /// The name of the source in use, for the startup log.
    private(set) var chosenName: String?

    init(_ sources: [(name: String, provider: any AWSCredentialProvider)]) {
        self.sources = sources
    }

    func credentials() async throws -> AWSCredentials {
        if let chosen { return try await chosen.credentials() }
        var skipped: [String] = []
        for source in sources {
            do {
                let credentials = try await source.provider.credentials()
                chosen = source.provider
                chosenName = source.name
                return credentials
            } catch let error as AWSProviderError where error.code == .credentialUnavailable {
                skipped.append("\(source.name): \(error.message)")
            }
        }
        throw AWSProviderError(
            .credentialUnavailable,
            "no AWS credentials found; tried " + skipped.joined(separator: "; ")
                + ". Set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, aws.credential_profile, or run with an instance role"
        )
    }

    func invalidate() async { await chosen?.invalidate() }
}

/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, optional `AWS_SESSION_TOKEN`.
struct EnvironmentCredentials: AWSCredentialProvider {
    var environment: [String: String]

    func credentials() async throws -> AWSCredentials {
        let key = environment["AWS_ACCESS_KEY_ID"] ?? ""
        let secret = environment["AWS_SECRET_ACCESS_KEY"] ?? ""
        if key.isEmpty && secret.isEmpty {
            throw AWSProviderError(.credentialUnavailable, "AWS_ACCESS_KEY_ID is not set")
        }
        guard !key.isEmpty, !secret.isEmpty else {
            throw AWSProviderError(
                .credentialUnavailable,
                "only one of AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY is set; set both (and AWS_SESSION_TOKEN for temporary keys)"
            )
        }
        let token = environment["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        return AWSCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: token)
    }
}

/// Temporary credentials as the container and instance metadata endpoints serve them (JSON).
struct MetadataCredentialsDocument: Decodable {
    var accessKeyId: String
    var secretAccessKey: String
    var token: String?
    var expiration: String?
    var code: String?

    enum CodingKeys: String, CodingKey {
        case accessKeyId = "AccessKeyId"
        case secretAccessKey = "SecretAccessKey"
        case token = "Token"
        case expiration = "Expiration"
        case code = "Code"
    }

    func credentials(source: String) throws -> AWSCredentials {
        if let code, code != "Success" {
            throw AWSProviderError(.credentialUnavailable, "\(source) answered Code \(code)")
        }
        return AWSCredentials(
            accessKeyID: accessKeyId, secretAccessKey: secretAccessKey, sessionToken: token,
            expiration: expiration.flatMap(AWSTimestamp.parse)
        )
    }
}

/// ISO 8601 timestamps as AWS writes them, with or without fractional seconds.
enum AWSTimestamp {
    static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
