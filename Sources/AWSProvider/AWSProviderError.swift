/// Why AWS discovery failed. Messages name the call, the key or the fix; they never contain a secret
/// (secret key, session token, web identity token) or a request body.
///
/// Extensible like swift-service-lifecycle's `ServiceRunnerError`: match on ``code``; new codes can be added
/// without breaking callers.
public struct AWSProviderError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidConfiguration
            case credentialUnavailable
            case authorizationFailed
            case throttled
            case requestFailed
            case serviceError
            case invalidResponse
            case invalidPaging
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// A configuration value is missing or wrong; the message names the key.
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// No credential source in the chain had credentials, or the one configured failed.
        public static let credentialUnavailable = Code(.credentialUnavailable)
        /// AWS refused the credentials or the permission (`AuthFailure`, `UnauthorizedOperation`,
        /// `AccessDenied`, expired tokens); the message names the IAM action.
        public static let authorizationFailed = Code(.authorizationFailed)
        /// Still throttled after the retries.
        public static let throttled = Code(.throttled)
        /// No answer (connection refused, timeout, TLS failure).
        public static let requestFailed = Code(.requestFailed)
        /// AWS answered with another error code; ``awsCode`` has it.
        public static let serviceError = Code(.serviceError)
        /// The answer could not be parsed.
        public static let invalidResponse = Code(.invalidResponse)
        /// A `NextToken` repeated or paging did not end.
        public static let invalidPaging = Code(.invalidPaging)

        public var description: String { base.rawValue }
    }

    public var code: Code
    public var message: String
    /// The HTTP status, when AWS answered.
    public var status: Int?
    /// AWS's own error code (`UnauthorizedOperation`, `Throttling`, ...), when the body had one.
    public var awsCode: String?

    public init(_ code: Code, _ message: String, status: Int? = nil, awsCode: String? = nil) {
        self.code = code
        self.message = message
        self.status = status
        self.awsCode = awsCode
    }

    public var description: String { "aws: \(message)" }

    static func invalidConfiguration(_ message: String) -> Self { Self(.invalidConfiguration, message) }
}
