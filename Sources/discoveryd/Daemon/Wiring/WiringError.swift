/// A configuration that loads but cannot be turned into a running daemon.
public struct WiringError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
