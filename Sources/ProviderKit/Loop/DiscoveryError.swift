/// Errors thrown by the ``DiscoveryLoop``.
///
/// Equality and hashing look at the ``code`` only, so callers can match on the kind of failure while the
/// message and the underlying errors carry the details for the operator.
public struct DiscoveryError: Error, Hashable, Sendable {
    /// The kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum _Code: Hashable, Sendable {
            case providerFailed
            case fetchTimedOut
            case sinkFailed
            case duplicateProviderName
            case noProviders
            case alreadyRunning
            case cancelled
            case servicesFailed
            case drainHeld
        }

        private var code: _Code

        private init(_ code: _Code) {
            self.code = code
        }

        public var description: String {
            switch code {
            case .providerFailed: "A provider could not list its instances."
            case .fetchTimedOut: "A provider did not list its instances in time."
            case .sinkFailed: "The sink did not accept the catalog."
            case .duplicateProviderName: "Two providers have the same name."
            case .noProviders: "No provider is configured."
            case .alreadyRunning: "The discovery loop is already running a cycle."
            case .cancelled: "The cycle was cancelled before it finished."
            case .servicesFailed: "Some services could not be applied; the others were."
            case .drainHeld: "A provider's answer would drain too many servers and was held."
            }
        }

        /// One or more providers threw from `fetchInstances()`.
        public static let providerFailed = Code(.providerFailed)
        /// A provider's `fetchInstances()` took longer than ``PollingPolicy/fetchTimeout`` and was cancelled.
        /// It counts as that provider's failure (inside ``providerFailed`` when it fails a cycle).
        public static let fetchTimedOut = Code(.fetchTimedOut)
        /// The sink threw from `apply(_:options:)`.
        public static let sinkFailed = Code(.sinkFailed)
        /// Provider names key the last good snapshots, so they must be unique.
        public static let duplicateProviderName = Code(.duplicateProviderName)
        /// A loop without providers would retire every service.
        public static let noProviders = Code(.noProviders)
        /// `run()`, `runOnce()` and `collect()` must not overlap: providers are never fetched concurrently
        /// with themselves.
        public static let alreadyRunning = Code(.alreadyRunning)
        /// The task was cancelled while the cycle ran; nothing was applied after the cancellation.
        public static let cancelled = Code(.cancelled)
        /// The sink applied the catalog except for some services (``SinkReport/failures``).
        public static let servicesFailed = Code(.servicesFailed)
        /// The mass-drain guard held a provider's answer (``DrainGuardPolicy``); nothing of it was applied.
        public static let drainHeld = Code(.drainHeld)
    }

    private final class Backing: Sendable {
        let code: Code
        let message: String
        let underlying: [any Error]
        let report: CycleReport?
        let file: String
        let line: Int

        init(code: Code, message: String, underlying: [any Error], report: CycleReport?, file: String, line: Int) {
            self.code = code
            self.message = message
            self.underlying = underlying
            self.report = report
            self.file = file
            self.line = line
        }
    }

    private let backing: Backing

    /// The kind of failure. The only thing used for equality and hashing.
    public var code: Code { backing.code }
    /// What went wrong and what to do about it, for the operator.
    public var message: String { backing.message }
    /// The errors thrown by the providers or the sink, in provider order.
    public var underlying: [any Error] { backing.underlying }
    /// The report of the cycle that failed, when there was one.
    public var report: CycleReport? { backing.report }

    private init(
        _ code: Code,
        message: String,
        underlying: [any Error] = [],
        report: CycleReport? = nil,
        file: String,
        line: Int
    ) {
        backing = Backing(code: code, message: message, underlying: underlying, report: report, file: file, line: line)
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// One or more providers failed; `failures` pairs each provider name with its error.
    public static func providerFailed(
        _ failures: [(provider: String, error: any Error)],
        report: CycleReport? = nil,
        file: String = #fileID,
        line: Int = #line
    ) -> Self {
        return Self(
            .providerFailed,
            message: failures.map { describe(provider: $0.provider, error: $0.error) }.joined(separator: "; "),
            underlying: failures.map(\.error),
            report: report,
            file: file,
            line: line
        )
    }

    /// The fetch of the provider named `provider` took longer than `timeout` and was cancelled.
    public static func fetchTimedOut(
        provider: String,
        timeout: Duration,
        file: String = #fileID,
        line: Int = #line
    ) -> Self {
        let (seconds, attoseconds) = timeout.components
        let readable = attoseconds == 0 ? "\(seconds) seconds" : "\(timeout)"
        return Self(
            .fetchTimedOut,
            message: "provider \"\(provider)\" did not return its instances within \(readable); the fetch was "
                + "cancelled and counts as a failure (raise the fetch timeout if the provider is just slow)",
            file: file,
            line: line
        )
    }

    /// The sink named `sink` threw `error`.
    public static func sinkFailed(
        sink: String,
        error: any Error,
        report: CycleReport? = nil,
        file: String = #fileID,
        line: Int = #line
    ) -> Self {
        Self(
            .sinkFailed,
            message: "sink \(sink) failed to apply the catalog: \(error)",
            underlying: [error],
            report: report,
            file: file,
            line: line
        )
    }

    /// The sink applied every service but those in `failures`.
    public static func servicesFailed(
        _ failures: [ServiceFailure],
        sink: String,
        report: CycleReport? = nil,
        file: String = #fileID,
        line: Int = #line
    ) -> Self {
        Self(
            .servicesFailed,
            message: "sink \(sink) could not apply \(failures.count) service(s); the others were applied: "
                + failures.map { failure in failure.description + (failure.details.map { "\n\n\($0)\n" } ?? "") }
                .joined(separator: "\n"),
            report: report,
            file: file,
            line: line
        )
    }

    /// The guard held the answers of `holds`' providers.
    public static func drainHeld(
        _ holds: [DrainHold],
        report: CycleReport? = nil,
        file: String = #fileID,
        line: Int = #line
    ) -> Self {
        Self(
            .drainHeld,
            message: holds.map { $0.oneShotMessage }.joined(separator: "; "),
            report: report,
            file: file,
            line: line
        )
    }

    public static func duplicateProviderName(_ name: String, file: String = #fileID, line: Int = #line) -> Self {
        Self(
            .duplicateProviderName,
            message: "provider name \"\(name)\" is used more than once; give every provider a unique name",
            file: file,
            line: line
        )
    }

    public static func noProviders(file: String = #fileID, line: Int = #line) -> Self {
        Self(.noProviders, message: "no provider is configured; add at least one provider", file: file, line: line)
    }

    public static func alreadyRunning(file: String = #fileID, line: Int = #line) -> Self {
        Self(
            .alreadyRunning,
            message: "the discovery loop is already running; run(), runOnce() and collect() must not overlap",
            file: file,
            line: line
        )
    }

    public static func cancelled(file: String = #fileID, line: Int = #line) -> Self {
        Self(.cancelled, message: "the cycle was cancelled before it finished", file: file, line: line)
    }
}

extension DiscoveryError {
    /// `static provider /etc/fleet.yaml:5: ...` when the error already names what the provider reads
    /// (provider names are `kind:detail`), else `provider azure:sub-1: ...`.
    static func describe(provider: String, error: any Error) -> String {
        let text = "\(error)"
        // The error names the provider itself (a fetch timeout does).
        if text.contains("\"\(provider)\"") { return text }
        if let colon = provider.firstIndex(of: ":") {
            let kind = provider[..<colon]
            let detail = provider[provider.index(after: colon)...]
            if !kind.isEmpty, !detail.isEmpty, text.contains(detail) { return "\(kind) provider \(text)" }
        }
        return "provider \(provider): \(text)"
    }
}

extension DiscoveryError: CustomStringConvertible {
    /// The message alone: this is what an operator reads. Where it was raised is in ``debugDescription``.
    public var description: String { message }
}

extension DiscoveryError: CustomDebugStringConvertible {
    public var debugDescription: String {
        "DiscoveryError(\(code)): \(message) [\(backing.file):\(backing.line)]"
    }
}
