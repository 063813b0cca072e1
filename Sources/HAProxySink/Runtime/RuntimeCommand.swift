import Foundation
import ProviderKit

/// One Runtime API command and how to tell whether HAProxy accepted it.
///
/// HAProxy answers errors as plain text on the same channel as successes, so every command knows the
/// exact answers that mean success (HAProxy 2.6 `src/server.c`, `src/cli.c`); anything else, including an
/// answer that starts well and goes on with an error, is a rejection. The whole answer is read: HAProxy
/// reports `IP changed from '…' to '…', problem converting port 'abc' to an int` for a half-applied
/// `set server … addr`.
///
/// A command is a list of words. No word may contain whitespace, a NUL, a control character, `;` or `\`:
/// those would split one argument into several, or one command into several (``RuntimeAPIClient`` refuses
/// to send such a command).
public struct RuntimeCommand: Hashable, Sendable, CustomStringConvertible {
    /// The answers that mean success.
    public enum Acceptance: Hashable, Sendable {
        /// HAProxy prints nothing on success (`set server ... state`, `weight`, `enable server`).
        case emptyAnswer
        /// Success is exactly one of these answers (`add server`: "New server registered.").
        case answerEquals([String])
        /// `set server … addr … port …`: every part of the answer says the address and port were set.
        case addressChanged
        /// A query: any answer is data for the caller.
        case anyAnswer
    }

    public var words: [String]
    public var acceptance: Acceptance

    /// A command from its words, joined by single spaces when sent.
    public init(words: [String], acceptance: Acceptance) {
        self.words = words
        self.acceptance = acceptance
    }

    /// A fixed command such as `show servers state`; split into words at single spaces.
    public init(_ text: String, acceptance: Acceptance) {
        self.init(words: text.split(separator: " ", omittingEmptySubsequences: false).map(String.init), acceptance: acceptance)
    }

    /// The line sent to HAProxy.
    public var text: String { words.joined(separator: " ") }

    public var description: String { words.map { UntrustedText.escaped($0) }.joined(separator: " ") }

    /// The first word that cannot be sent safely, if any: empty, or holding whitespace, a NUL or another
    /// control character, `;` or `\`.
    public var unsafeWord: String? {
        words.first { word in
            word.isEmpty || UntrustedText.containsControlOrWhitespace(word)
                || word.utf8.contains(where: { $0 == UInt8(ascii: ";") || $0 == UInt8(ascii: "\\") })
        }
    }

    /// Whether `answer` (the whole of it) means HAProxy applied the command.
    public func accepts(_ answer: String) -> Bool {
        switch acceptance {
        case .emptyAnswer:
            return answer.allSatisfy(\.isWhitespace)
        case .answerEquals(let answers):
            let trimmed = answer.trimmingSuffix(while: \.isWhitespace)
            return answers.contains { trimmed == $0 }
        case .addressChanged:
            return Self.isSuccessfulAddressChange(answer)
        case .anyAnswer:
            return true
        }
    }

    /// HAProxy 2.6 `srv_update_addr_port`: `<address part>[, <port part>] by '<who>'`, where each part is
    /// either a change or "no need to change"; anything else (`problem converting port`, `Invalid addr`,
    /// `can't change <port> when port map is enabled`) is a failure.
    static func isSuccessfulAddressChange(_ answer: String) -> Bool {
        var text = Substring(answer.trimmingSuffix(while: \.isWhitespace))
        guard !text.contains("\n") else { return false }
        if let by = text.range(of: " by '", options: .backwards), text.hasSuffix("'") {
            text = text[..<by.lowerBound]
        }
        let parts = text.components(separatedBy: ", ")
        guard (1...2).contains(parts.count) else { return false }
        let addressPart = parts[0]
        guard addressPart == "no need to change the addr"
            || (addressPart.hasPrefix("IP changed from '") && addressPart.hasSuffix("'")
                && addressPart.components(separatedBy: "' to '").count == 2)
        else { return false }
        guard parts.count == 2 else { return true }
        let portPart = parts[1]
        return portPart == "no need to change the port"
            || (portPart.hasPrefix("port changed from '") && portPart.hasSuffix("'")
                && portPart.components(separatedBy: "' to '").count == 2)
    }
}

extension String {
    fileprivate func trimmingSuffix(while predicate: (Character) -> Bool) -> String {
        var end = endIndex
        while end > startIndex, predicate(self[index(before: end)]) { end = index(before: end) }
        return String(self[..<end])
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
            words: ["set", "server", "\(backend)/\(server)", "addr", address, "port", String(port)],
            acceptance: .addressChanged
        )
    }

    /// The administrative state a server is put in.
    public enum AdminState: String, Hashable, Sendable {
        case ready, drain, maint
    }

    public static func setState(backend: String, server: String, _ state: AdminState) -> Self {
        RuntimeCommand(words: ["set", "server", "\(backend)/\(server)", "state", state.rawValue], acceptance: .emptyAnswer)
    }

    public static func setWeight(backend: String, server: String, weight: Int) -> Self {
        RuntimeCommand(words: ["set", "server", "\(backend)/\(server)", "weight", String(weight)], acceptance: .emptyAnswer)
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
        return RuntimeCommand(
            words: ["add", "server", "\(backend)/\(server)", target] + arguments,
            acceptance: .answerEquals(["New server registered."])
        )
    }

    /// Leaves the maintenance a runtime-added server starts in.
    public static func enableServer(backend: String, server: String) -> Self {
        RuntimeCommand(words: ["enable", "server", "\(backend)/\(server)"], acceptance: .emptyAnswer)
    }

    /// Starts the health checks of a runtime-added server (they are configured but off after `add server`).
    public static func enableHealthCheck(backend: String, server: String) -> Self {
        RuntimeCommand(words: ["enable", "health", "\(backend)/\(server)"], acceptance: .emptyAnswer)
    }
}
