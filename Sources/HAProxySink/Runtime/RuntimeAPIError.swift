/// Everything that can go wrong talking to HAProxy's Runtime API.
///
/// An extensible error struct: match on ``code`` (compare with the static members), read ``description``
/// for the message a user sees. New codes can be added without breaking callers.
public struct RuntimeAPIError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case invalidEndpoint, connectionFailed, timedOut, commandRejected, malformedResponse, invalidCommand
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// `haproxy.runtime_socket` cannot be understood.
        public static let invalidEndpoint = Code(.invalidEndpoint)
        /// The socket could not be reached (HAProxy not running, wrong path, no permission).
        public static let connectionFailed = Code(.connectionFailed)
        /// HAProxy did not answer in time.
        public static let timedOut = Code(.timedOut)
        /// HAProxy answered a command with an error message.
        public static let commandRejected = Code(.commandRejected)
        /// The answer does not have the shape HAProxy 2.6+ gives.
        public static let malformedResponse = Code(.malformedResponse)
        /// A command we were asked to send cannot be sent safely (a separator inside an argument).
        public static let invalidCommand = Code(.invalidCommand)

        public var description: String { "\(base)" }
    }

    public var code: Code
    /// The socket the error concerns, when known.
    public var endpoint: String?
    /// The command that failed, when one did.
    public var command: String?
    /// What went wrong, and where it helps, how to fix it.
    public var message: String

    public init(code: Code, endpoint: String? = nil, command: String? = nil, message: String) {
        self.code = code
        self.endpoint = endpoint
        self.command = command
        self.message = message
    }

    public var description: String {
        var text = "HAProxy Runtime API"
        if let endpoint { text += " at \(endpoint)" }
        if let command { text += ", command '\(command)'" }
        return text + ": " + message
    }

    static func invalidEndpoint(_ value: String, reason: String) -> Self {
        RuntimeAPIError(
            code: .invalidEndpoint,
            message: """
                haproxy.runtime_socket '\(value)' is invalid: \(reason). Use a unix socket path such as \
                /run/haproxy/admin.sock or tcp://127.0.0.1:9999
                """
        )
    }
}
