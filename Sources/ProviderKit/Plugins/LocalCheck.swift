/// One thing `discoveryd --validate` checked on this machine without connecting anywhere: a file the
/// configuration names was read and parsed, or a socket path was looked for.
public struct LocalCheck: Hashable, Sendable, CustomStringConvertible {
    public enum Outcome: Hashable, Sendable {
        /// Read and valid.
        case passed
        /// Worth saying, not an error (a runtime socket that does not exist while HAProxy is stopped).
        case noted
        /// The configuration cannot work as written; `--validate` exits 1.
        case failed
    }

    /// What was checked, e.g. `static file fleet.yaml`.
    public var subject: String
    public var outcome: Outcome
    /// The result in a few words (`7 instances`) or, when it failed, the reason and the fix.
    public var detail: String

    public init(_ subject: String, _ outcome: Outcome, _ detail: String) {
        self.subject = subject
        self.outcome = outcome
        self.detail = detail
    }

    public var description: String { "\(subject): \(detail)" }
}
