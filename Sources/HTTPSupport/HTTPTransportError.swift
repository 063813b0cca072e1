/// Why an HTTP request got no usable answer, or why an HTTP client could not be set up. Messages are
/// sentences that name the request (without its query) or the configuration key, never a secret.
///
/// Extensible: match on ``code``; new codes can be added without breaking callers.
public struct HTTPTransportError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case noAnswer
            case bodyTooLarge
            case invalidCAFile
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The request never got an answer (connection refused, timeout, TLS failure, connection dropped).
        public static let noAnswer = Code(.noAnswer)
        /// The answer's body is larger than the transport's cap.
        public static let bodyTooLarge = Code(.bodyTooLarge)
        /// The configured CA file cannot be read or holds no PEM certificate.
        public static let invalidCAFile = Code(.invalidCAFile)

        public var description: String { base.rawValue }
    }

    public var code: Code
    public var message: String
    /// The HTTP status, when the server did answer (``Code/bodyTooLarge``).
    public var status: Int?

    public init(_ code: Code, _ message: String, status: Int? = nil) {
        self.code = code
        self.message = message
        self.status = status
    }

    public var description: String { message }
}
