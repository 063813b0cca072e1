import HTTPSupport

/// Why Azure discovery failed. Messages name the field or request and the fix; they never contain a
/// secret (client secret, token, assertion) or a response body that could.
///
/// Extensible like swift-service-lifecycle's `ServiceRunnerError`: match on ``code``, new codes can be
/// added without breaking callers.
public struct AzureProviderError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidConfiguration
            case credentialUnavailable
            case authenticationFailed
            case requestFailed
            case unexpectedStatus
            case invalidResponse
            case invalidPaging
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// A configuration value is missing or wrong; the message names the key.
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// A credential cannot be used here (no environment variables, no IMDS, no `az`).
        public static let credentialUnavailable = Code(.credentialUnavailable)
        /// The token endpoint refused the credential.
        public static let authenticationFailed = Code(.authenticationFailed)
        /// The request never got an answer (connection refused, timeout, TLS failure).
        public static let requestFailed = Code(.requestFailed)
        /// ARM answered with a non-success status after the retries.
        public static let unexpectedStatus = Code(.unexpectedStatus)
        /// The answer could not be decoded.
        public static let invalidResponse = Code(.invalidResponse)
        /// A `nextLink` pointed somewhere else or paging did not end.
        public static let invalidPaging = Code(.invalidPaging)

        public var description: String { base.rawValue }
    }

    public var code: Code
    public var message: String
    /// The HTTP status, when the failure is an ARM or token endpoint answer.
    public var status: Int?

    public init(_ code: Code, _ message: String, status: Int? = nil) {
        self.code = code
        self.message = message
        self.status = status
    }

    public var description: String { "azure: \(message)" }

    static func invalidConfiguration(_ message: String) -> Self { Self(.invalidConfiguration, message) }

    /// Runs `body`, turning the shared HTTP plumbing's errors into Azure's: no answer is ``Code/requestFailed``,
    /// an unusable `azure.ca_file` is ``Code/invalidConfiguration``.
    static func mappingTransportErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as HTTPTransportError {
            throw AzureProviderError(error)
        }
    }

    static func mappingTransportErrors<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as HTTPTransportError {
            throw AzureProviderError(error)
        }
    }

    init(_ error: HTTPTransportError) {
        let code: Code = error.code == .invalidCAFile ? .invalidConfiguration : .requestFailed
        self.init(code, error.message, status: error.status)
    }
}
