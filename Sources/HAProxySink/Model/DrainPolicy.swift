import Foundation

/// How long a server whose instance left keeps serving its live connections, in HAProxy's `drain` state,
/// before its slot is freed (`haproxy.drain_seconds`).
///
/// `0` (the default, the Python daemon's behaviour) frees the slot in the same cycle the instance leaves.
/// Above 0 the slot first goes to `drain` (HAProxy sends it no new connections except persistent ones; the
/// ones it has finish) and is only put in maintenance at the placeholder address once the drain expired.
public struct DrainPolicy: Hashable, Sendable {
    /// A day: longer is almost certainly a unit mistake (milliseconds for seconds).
    public static let maximumSeconds: Double = 86_400

    public let seconds: Double

    /// No drain: slots are freed at once.
    public static let immediate = DrainPolicy(validatedSeconds: 0)

    /// - Throws: ``HAProxySinkSettingsError`` with ``HAProxySinkSettingsError/Code/invalidDrainSeconds`` when
    ///   `seconds` is negative, not finite, or above ``maximumSeconds``.
    public init(seconds: Double) throws(HAProxySinkSettingsError) {
        try Self.validate(seconds: seconds)
        self.init(validatedSeconds: seconds)
    }

    private init(validatedSeconds seconds: Double) {
        self.seconds = seconds
    }

    /// The one validation of `haproxy.drain_seconds`.
    public static func validate(seconds: Double) throws(HAProxySinkSettingsError) {
        guard seconds.isFinite, seconds >= 0, seconds <= maximumSeconds else {
            throw .invalidValue(
                .invalidDrainSeconds, key: "haproxy.drain_seconds", value: "\(seconds)",
                expected: "a number of seconds from 0 (free a departed server's slot at once) to "
                    + "\(Int(maximumSeconds))"
            )
        }
    }

    /// Whether departing servers drain at all.
    public var isEnabled: Bool { seconds > 0 }

    /// When a drain that starts at `now` ends.
    public func deadline(from now: Date) -> Date {
        now.addingTimeInterval(seconds)
    }
}
