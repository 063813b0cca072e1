import Foundation
import HTTPSupport

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
        if code == .connectionFailed, let endpoint {
            return "cannot connect to the HAProxy Runtime API at \(endpoint): \(message)"
        }
        var text = "HAProxy Runtime API"
        if let endpoint { text += " at \(endpoint)" }
        if let command { text += ", command '\(command)'" }
        return text + ": " + message
    }

    /// The connection to `endpoint` failed with `error` (NIO's): the reason in words and what to check.
    static func cannotConnect(to endpoint: RuntimeAPIEndpoint, because error: any Error) -> Self {
        let declaration = "\"stats socket \(endpoint.configurationHint) level admin\""
        let hint =
            switch ConnectionFailure.errno(of: error) {
            case EACCES, EPERM:
                "(may discoveryd's user open it? Give the socket a group with \"mode 660 group …\" in the "
                    + "stats socket line and add the user to that group)"
            default:
                "(is HAProxy running with \(declaration)?)"
            }
        let reason = ConnectionFailure.reason(error) ?? "\(error)"
        return RuntimeAPIError(code: .connectionFailed, endpoint: endpoint.description, message: "\(reason) \(hint)")
    }

    /// `5 seconds`, `1.5 seconds`.
    static func readable(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        if attoseconds == 0 { return "\(seconds) second\(seconds == 1 ? "" : "s")" }
        return "\(Double(seconds) + Double(attoseconds) / 1e18) seconds"
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
