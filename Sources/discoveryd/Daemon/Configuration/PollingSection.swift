import ProviderKit
/// `polling:` — how often providers are asked, and how failures back off.
///
/// Keys (defaults in brackets): `interval_seconds` [`30`, >= 5], `jitter_seconds` [`5`, >= 0],
/// `max_backoff_seconds` [`300`], `backoff_base_seconds` [`5`, > 0, <= `max_backoff_seconds`],
/// `fetch_timeout_seconds` [`120`, > 0].
public struct PollingSection: Hashable, Sendable, Decodable {
    public static let minimumInterval: Double = 5

    public var intervalSeconds: Double = 30
    public var jitterSeconds: Double = 5
    public var maxBackoffSeconds: Double = 300
    public var backoffBaseSeconds: Double = 5
    public var fetchTimeoutSeconds: Double = 120

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case intervalSeconds = "interval_seconds"
        case jitterSeconds = "jitter_seconds"
        case maxBackoffSeconds = "max_backoff_seconds"
        case backoffBaseSeconds = "backoff_base_seconds"
        case fetchTimeoutSeconds = "fetch_timeout_seconds"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.strictContainer(keyedBy: CodingKeys.self)
        self.intervalSeconds = try container.decode(Double.self, forKey: .intervalSeconds, default: 30)
        try container.require(
            intervalSeconds >= Self.minimumInterval && intervalSeconds.isFinite,
            .intervalSeconds,
            value: intervalSeconds.formattedSeconds,
            expected: "a number of seconds >= \(Self.minimumInterval.formattedSeconds)"
        )
        self.jitterSeconds = try container.decode(Double.self, forKey: .jitterSeconds, default: 5)
        try container.require(
            jitterSeconds >= 0 && jitterSeconds.isFinite,
            .jitterSeconds,
            value: jitterSeconds.formattedSeconds,
            expected: "a number of seconds >= 0"
        )
        self.backoffBaseSeconds = try container.decode(Double.self, forKey: .backoffBaseSeconds, default: 5)
        try container.require(
            backoffBaseSeconds > 0 && backoffBaseSeconds.isFinite,
            .backoffBaseSeconds,
            value: backoffBaseSeconds.formattedSeconds,
            expected: "a number of seconds > 0"
        )
        self.maxBackoffSeconds = try container.decode(Double.self, forKey: .maxBackoffSeconds, default: 300)
        try container.require(
            maxBackoffSeconds >= backoffBaseSeconds && maxBackoffSeconds.isFinite,
            .maxBackoffSeconds,
            value: maxBackoffSeconds.formattedSeconds,
            expected: "a number of seconds >= backoff_base_seconds (\(backoffBaseSeconds.formattedSeconds))"
        )
        self.fetchTimeoutSeconds = try container.decode(Double.self, forKey: .fetchTimeoutSeconds, default: 120)
        try container.require(
            fetchTimeoutSeconds > 0 && fetchTimeoutSeconds.isFinite,
            .fetchTimeoutSeconds,
            value: fetchTimeoutSeconds.formattedSeconds,
            expected: "a number of seconds > 0"
        )
    }
}

extension Double {
    /// `30` rather than `30.0`, as the user most likely wrote it.
    var formattedSeconds: String {
        self == rounded() && abs(self) < 1e15 ? String(Int(self)) : String(self)
    }
}
