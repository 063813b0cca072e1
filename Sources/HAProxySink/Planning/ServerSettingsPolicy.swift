import ProviderKit

/// Decides weight and backup of each server from zones (the Python daemon's rules).
///
/// - Without ``availabilityZone`` every server gets ``weight`` and is never a backup.
/// - With it, an endpoint in another zone becomes a `backup` server, so traffic stays in HAProxy's zone while
///   it has healthy servers there. Endpoints without a zone count as same-zone.
/// - If ``azWeightTag`` is set too and an endpoint carries that tag with an integer `p` in 1...99 (the Python
///   daemon's range: `0` or `100` would take a zone out entirely), zones are balanced by weight instead: same
///   zone `100 - p`, other zone `p`, never backup. Any other value is ignored (the backup rule applies) and
///   reported as a warning.
public struct ServerSettingsPolicy: Hashable, Sendable {
    public static let defaultWeight = 100

    /// The weight of every server the zone rules do not weigh, and of free slots.
    public var weight: Int
    /// HAProxy's own availability zone (Azure zone number as the provider reports it, e.g. `"1"`).
    public var availabilityZone: String?
    /// The tag carrying the other-zone percentage, e.g. `AZperc`.
    public var azWeightTag: String?

    public init(
        weight: Int = ServerSettingsPolicy.defaultWeight,
        availabilityZone: String?,
        azWeightTag: String? = nil
    ) throws(HAProxySinkSettingsError) {
        guard (0...256).contains(weight) else {
            throw HAProxySinkSettingsError(
                code: .invalidWeight,
                key: "haproxy.weight",
                message: "\(weight) is outside HAProxy's server weight range 0...256"
            )
        }
        self.weight = weight
        self.availabilityZone = availabilityZone.flatMap { $0.isBlank ? nil : $0 }
        self.azWeightTag = azWeightTag.flatMap { $0.isBlank ? nil : $0 }
    }

    /// Default weight, no zone rules.
    public init() {
        self.weight = Self.defaultWeight
        self.availabilityZone = nil
        self.azWeightTag = nil
    }

    /// Weight and backup for one endpoint; a bad weight tag is appended to `warnings`.
    public func settings(
        for endpoint: Endpoint,
        backend: String? = nil,
        warnings: inout [PlanWarning]
    ) -> ServerSettings {
        guard let availabilityZone else { return ServerSettings(weight: weight, backup: false) }
        let sameZone = endpoint.zone.map { $0.isBlank || $0 == availabilityZone } ?? true
        if let azWeightTag, let text = endpoint.tags.value(forTag: azWeightTag) {
            if let percent = Self.percentage(text) {
                return ServerSettings(weight: sameZone ? 100 - percent : percent, backup: false)
            }
            warnings.append(
                PlanWarning(
                    backend: backend,
                    instanceID: endpoint.instanceID,
                    message:
                        "tag \(azWeightTag)=\"\(text)\" is not an integer 1-99; ignored (zone backup rule applies)"
                )
            )
        }
        return ServerSettings(weight: weight, backup: !sameZone)
    }

    /// The endpoint as a server to place.
    public func desiredServer(
        for endpoint: Endpoint,
        backend: String? = nil,
        warnings: inout [PlanWarning]
    ) -> DesiredServer {
        let settings = settings(for: endpoint, backend: backend, warnings: &warnings)
        return DesiredServer(
            instanceID: endpoint.instanceID,
            instanceName: endpoint.instanceName,
            address: endpoint.address,
            port: endpoint.port,
            weight: settings.weight,
            backup: settings.backup
        )
    }

    private static func percentage(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: " \t")
        guard !trimmed.isEmpty, trimmed.count <= 3, trimmed.allSatisfy({ $0.isASCII && $0.isWholeNumber }),
            let value = Int(trimmed), (1...99).contains(value)
        else { return nil }
        return value
    }
}

/// The per-server settings the ``ServerSettingsPolicy`` decides.
public struct ServerSettings: Hashable, Sendable {
    public var weight: Int
    public var backup: Bool

    public init(weight: Int, backup: Bool) {
        self.weight = weight
        self.backup = backup
    }
}

extension String {
    fileprivate var isBlank: Bool { allSatisfy(\.isWhitespace) }

    fileprivate func trimmingCharacters(in set: String) -> String {
        var view = Substring(self)
        while let first = view.first, set.contains(first) { view.removeFirst() }
        while let last = view.last, set.contains(last) { view.removeLast() }
        return String(view)
    }
}
