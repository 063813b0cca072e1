/// How much of its live servers one provider's answer may take out of service in one cycle before the
/// loop asks for confirmation (`safety.max_drain_fraction`, `safety.confirm_cycles`).
///
/// A provider that suddenly answers with far fewer instances is more often broken (an empty file saved by
/// mistake, an API page read as an empty list) than right. Such an answer is **held**: the provider's
/// previous snapshot stays in force and each cycle logs one warning, until the same answer has come
/// ``confirmCycles`` times in a row. `--once` and `plan` cannot wait for cycles; they fail instead unless
/// told to allow the drain.
public struct DrainGuardPolicy: Hashable, Sendable {
    /// The largest share of a provider's live servers an answer may drain without confirmation, 0...1.
    /// `1` turns the guard off.
    public var maxDrainFraction: Double
    /// How many times in a row the same draining answer must come before it is applied (at least 1).
    public var confirmCycles: Int

    public static let defaultMaxDrainFraction = 0.5
    public static let defaultConfirmCycles = 3

    /// - Throws: ``DrainGuardPolicyError`` when the fraction is outside 0...1 or the cycles below 1.
    public init(
        maxDrainFraction: Double = Self.defaultMaxDrainFraction,
        confirmCycles: Int = Self.defaultConfirmCycles
    ) throws(DrainGuardPolicyError) {
        guard maxDrainFraction.isFinite, (0...1).contains(maxDrainFraction) else {
            throw DrainGuardPolicyError(
                key: "safety.max_drain_fraction",
                message: "must be a number from 0 to 1 (0.5 holds an answer that drains more than half; 1 turns "
                    + "the guard off), not \(maxDrainFraction)"
            )
        }
        guard confirmCycles >= 1 else {
            throw DrainGuardPolicyError(
                key: "safety.confirm_cycles",
                message: "must be at least 1 (the number of identical answers in a row that confirm a drain), "
                    + "not \(confirmCycles)"
            )
        }
        self.maxDrainFraction = maxDrainFraction
        self.confirmCycles = confirmCycles
    }

    /// The defaults: hold a drain of more than half, confirm after three identical answers.
    public static let standard = try! DrainGuardPolicy()
    /// No guard at all (`max_drain_fraction: 1`).
    public static let disabled = try! DrainGuardPolicy(maxDrainFraction: 1, confirmCycles: 1)

    public var isEnabled: Bool { maxDrainFraction < 1 }

    /// Whether draining `drained` of `live` servers needs confirmation.
    public func needsConfirmation(drained: Int, live: Int) -> Bool {
        isEnabled && live > 0 && drained > 0 && Double(drained) > maxDrainFraction * Double(live)
    }
}

/// A ``DrainGuardPolicy`` value that cannot be used, naming the configuration key.
public struct DrainGuardPolicyError: Error, Hashable, Sendable, CustomStringConvertible {
    public var key: String
    public var message: String

    public var description: String { "\(key) \(message)" }
}

/// One provider's answer the guard is holding back.
public struct DrainHold: Hashable, Sendable, CustomStringConvertible {
    /// The provider (or, before any provider has a snapshot, the providers) whose answer is held.
    public var provider: String
    /// The names behind ``provider`` one by one (several when first answers are held together); empty means
    /// just ``provider``. For metrics, which label by provider.
    public var providers: [String] = []
    /// Live servers the answer would take out of service.
    public var wouldDrain: Int
    /// Live servers the provider feeds now.
    public var liveServers: Int
    /// How many times in a row this answer has come, this cycle included.
    public var seen: Int
    /// How many times it must come to be applied.
    public var confirmCycles: Int

    /// Every provider whose answer is held.
    public var heldProviders: [String] { providers.isEmpty ? [provider] : providers }

    /// The warning the daemon logs each cycle.
    public var description: String {
        "provider \(provider) answered with instances that would take \(wouldDrain) of its \(liveServers) live "
            + "servers out of service; held, its previous state stays in force (answer seen \(seen) of "
            + "\(confirmCycles) times in a row: the drain applies if the same answer comes \(confirmCycles) times; "
            + "raise safety.max_drain_fraction, or set it to 1, to allow such drains at once)"
    }

    /// The message `--once` and `plan` fail with.
    public var oneShotMessage: String {
        "provider \(provider) answered with instances that would take \(wouldDrain) of its \(liveServers) live "
            + "servers out of service, more than safety.max_drain_fraction allows; nothing was applied. If that "
            + "is intended, run again with --allow-drain"
    }
}
