/// One Runtime API command and how to tell whether HAProxy accepted it.
///
/// HAProxy answers errors as plain text on the same channel as successes, so every command knows the
/// exact answers that mean success (HAProxy 2.6 `src/server.c`, `src/cli.c`); anything else is a rejection.
public struct RuntimeCommand: Hashable, Sendable, CustomStringConvertible {
    /// The answers that mean success.
    public enum Acceptance: Hashable, Sendable {
        /// HAProxy prints nothing on success (`set server ... state`, `weight`, `enable server`).
        case emptyAnswer
        /// Success is one of these first lines (`add server`: "New server registered.").
        case answerStartsWith([String])
        /// A query: any answer is data for the caller.
        case anyAnswer
    }

    public var text: String
    public var acceptance: Acceptance

    public init(_ text: String, acceptance: Acceptance) {
        self.text = text
        self.acceptance = acceptance
    }

    public var description: String { text }

    /// Whether `answer` means HAProxy applied the command.
    public func accepts(_ answer: String) -> Bool {
        switch acceptance {
        case .emptyAnswer:
            return answer.allSatisfy(\.isWhitespace)
        case .answerStartsWith(let prefixes):
            return prefixes.contains { answer.hasPrefix($0) }
        case .anyAnswer:
            return true
        }
    }
}

extension RuntimeCommand {
    /// `show servers state`: every server of every backend, format version 1.
    public static let showServersState = RuntimeCommand("show servers state", acceptance: .anyAnswer)
    /// `show backend`: the names of every backend, including those without servers.
    public static let showBackends = RuntimeCommand("show backend", acceptance: .anyAnswer)

    /// Points a server at a new address and port (HAProxy 1.7+).
    public static func setAddress(backend: String, server: String, address: String, port: Int) -> Self {
        RuntimeCommand(
            "set server \(backend)/\(server) addr \(address) port \(port)",
            acceptance: .answerStartsWith(["IP changed from", "no need to change the addr"])
        )
    }

    /// The administrative state a server is put in.
    public enum AdminState: String, Hashable, Sendable {
        case ready, drain, maint
    }

    public static func setState(backend: String, server: String, _ state: AdminState) -> Self {
        RuntimeCommand("set server \(backend)/\(server) state \(state.rawValue)", acceptance: .emptyAnswer)
    }

    public static func setWeight(backend: String, server: String, weight: Int) -> Self {
        RuntimeCommand("set server \(backend)/\(server) weight \(weight)", acceptance: .emptyAnswer)
    }

    /// Creates a server at runtime (HAProxy 2.6+ without experimental mode). It starts in maintenance.
    public static func addServer(
        backend: String,
        server: String,
        address: String,
        port: Int,
        arguments: [String]
    ) -> Self {
        let target = address.contains(":") ? "[\(address)]:\(port)" : "\(address):\(port)"
        let line = (["add server \(backend)/\(server) \(target)"] + arguments).joined(separator: " ")
        return RuntimeCommand(line, acceptance: .answerStartsWith(["New server registered."]))
    }

    /// Leaves the maintenance a runtime-added server starts in.
    public static func enableServer(backend: String, server: String) -> Self {
        RuntimeCommand("enable server \(backend)/\(server)", acceptance: .emptyAnswer)
    }

    /// Starts the health checks of a runtime-added server (they are configured but off after `add server`).
    public static func enableHealthCheck(backend: String, server: String) -> Self {
        RuntimeCommand("enable health \(backend)/\(server)", acceptance: .emptyAnswer)
    }
}
