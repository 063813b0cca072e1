/// A configuration that loads but cannot be turned into a running daemon.
public struct WiringError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    static func sinkNotBuiltIn(kind: String, key: String) -> Self {
        Self(
            "the \(kind) sink selected by \(key) is not part of this build of discoveryd; "
                + "`discoveryd plan --offline` shows what would be applied"
        )
    }

    public var description: String { message }
}
