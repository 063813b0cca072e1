import Foundation

/// Errors from talking to the HAProxy Data Plane API.
///
/// Extensible like `ServiceRunnerError`: match on ``code``; new codes can be added without breaking callers.
/// When the API answered with its `{code, message}` error body, ``apiMessage`` carries its message verbatim,
/// so logs show what HAProxy said (e.g. `version mismatch: version in configuration file is 12, given
/// version is 11`).
public struct DataPlaneError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case invalidConfiguration
            case unauthorized
            case versionMismatch
            case transactionNotCommittable
            case conflict
            case notFound
            case badRequest
            case serverError
            case unexpectedStatus
            case transport
            case malformedResponse
            case retriesExhausted
            case ownership
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The client settings cannot work (bad base URL, unreadable CA file, ...).
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// 401/403: wrong user name or password.
        public static let unauthorized = Code(.unauthorized)
        /// 409 because the configuration version we sent is stale: someone else wrote in between.
        public static let versionMismatch = Code(.versionMismatch)
        /// 406 on commit: the transaction is outdated or failed and can never be committed.
        public static let transactionNotCommittable = Code(.transactionNotCommittable)
        /// Another 409: the object already exists.
        public static let conflict = Code(.conflict)
        /// 404.
        public static let notFound = Code(.notFound)
        /// 400, 422 and other client errors: the API rejected what we sent.
        public static let badRequest = Code(.badRequest)
        /// 5xx: the API or HAProxy failed.
        public static let serverError = Code(.serverError)
        /// A status the operation does not document.
        public static let unexpectedStatus = Code(.unexpectedStatus)
        /// No answer: connection refused, timeout, TLS failure.
        public static let transport = Code(.transport)
        /// An answer we could not decode.
        public static let malformedResponse = Code(.malformedResponse)
        /// Conflicts kept coming back after every retry; nothing was applied in the last attempt.
        public static let retriesExhausted = Code(.retriesExhausted)
        /// A backend we would have to write exists but is not marked as ours.
        public static let ownership = Code(.ownership)

        public var description: String {
            switch base {
            case .invalidConfiguration: "invalid configuration"
            case .unauthorized: "unauthorized"
            case .versionMismatch: "version mismatch"
            case .transactionNotCommittable: "transaction not committable"
            case .conflict: "conflict"
            case .notFound: "not found"
            case .badRequest: "bad request"
            case .serverError: "server error"
            case .unexpectedStatus: "unexpected status"
            case .transport: "transport failure"
            case .malformedResponse: "malformed response"
            case .retriesExhausted: "retries exhausted"
            case .ownership: "not managed by discoveryd"
            }
        }
    }

    public var code: Code
    /// HTTP status, when there was a response.
    public var status: Int?
    /// The `message` of the API's `{code, message}` body, or our own explanation.
    public var apiMessage: String
    /// `METHOD /path` of the failing request, without query or credentials.
    public var request: String?

    public init(code: Code, status: Int? = nil, message: String, request: String? = nil) {
        self.code = code
        self.status = status
        self.apiMessage = message
        self.request = request
    }

    public var description: String {
        // The transport's message is a sentence naming the request already.
        if code == .transport { return "cannot reach the HAProxy Data Plane API: \(apiMessage)" }
        var text = "Data Plane API \(code)"
        if let status { text += " (HTTP \(status))" }
        if let request { text += " on \(request)" }
        return text + ": \(apiMessage)"
    }

    /// Conflicts a fresh attempt can resolve (409, 406): someone else wrote in between; re-read, re-plan,
    /// retry with a new transaction.
    public var isRetryableConflict: Bool {
        code == .versionMismatch || code == .transactionNotCommittable || code == .conflict
    }

    /// Maps an error response to a code, following the Data Plane API's own mapping (`misc.HandleError`).
    static func code(forStatus status: Int, message: String) -> Code {
        switch status {
        case 401, 403: .unauthorized
        case 404: .notFound
        case 406: .transactionNotCommittable
        case 409: message.localizedCaseInsensitiveContains("version mismatch") ? .versionMismatch : .conflict
        case 400..<500: .badRequest
        case 500..<600: .serverError
        default: .unexpectedStatus
        }
    }
}
