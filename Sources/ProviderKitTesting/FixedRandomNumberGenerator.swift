/// A random number generator that always returns the same value, so jittered delays are predictable.
///
/// With `PollingPolicy`, ``minimum`` adds no jitter and ``maximum`` adds all of it.
///
/// - Important: Do not pass ``minimum`` to the standard library's `random(in:using:)`: its rejection
///   sampling may ask for another word forever when every word is zero.
public struct FixedRandomNumberGenerator: RandomNumberGenerator, Sendable {
    public var value: UInt64

    public init(value: UInt64) {
        self.value = value
    }

    public static let minimum = Self(value: 0)
    public static let maximum = Self(value: .max)

    public mutating func next() -> UInt64 { value }
}
