import ProviderKit

/// `safety:` — the mass-drain guard (``DrainGuardPolicy``).
///
/// Keys (defaults in brackets): `max_drain_fraction` [`0.5`, 0...1; `1` turns the guard off],
/// `confirm_cycles` [`3`, >= 1].
public struct SafetySection: Hashable, Sendable, Decodable {
    public var drainGuard = DrainGuardPolicy.standard

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case maxDrainFraction = "max_drain_fraction"
        case confirmCycles = "confirm_cycles"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.strictContainer(keyedBy: CodingKeys.self)
        let fraction = try container.decode(
            Double.self,
            forKey: .maxDrainFraction,
            default: DrainGuardPolicy.defaultMaxDrainFraction
        )
        try container.require(
            fraction.isFinite && (0...1).contains(fraction),
            .maxDrainFraction,
            value: "\(fraction)",
            expected: "a number from 0 to 1 (0.5 holds an answer that would drain more than half; 1 turns the guard off)"
        )
        let cycles = try container.decode(Int.self, forKey: .confirmCycles, default: DrainGuardPolicy.defaultConfirmCycles)
        try container.require(
            cycles >= 1,
            .confirmCycles,
            value: "\(cycles)",
            expected: "a whole number >= 1 (identical answers in a row that confirm a drain)"
        )
        drainGuard = try DrainGuardPolicy(maxDrainFraction: fraction, confirmCycles: cycles)
    }
}
