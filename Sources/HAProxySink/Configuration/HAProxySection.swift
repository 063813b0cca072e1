import Foundation
import ProviderKit

/// `haproxy:` — where and how servers are written.
///
/// Keys (defaults in brackets; every default is the Python daemon's, so its files behave the same):
/// - `base_url` [`http://localhost:5555`]: the Data Plane API.
/// - `api_version` [`v2`]: `v2|v3` (`2` and `3` are accepted too).
/// - `username` [`admin`], `password` (secret, never logged; required for the Data Plane API).
/// - `timeout` [`10`]: seconds per request.
/// - `verify_ssl` [`true`], `ca_file` [none]: TLS verification of the Data Plane API.
/// - `allow_insecure_http` [`false`]: allow plain http with credentials to a Data Plane API that is not on
///   a loopback address.
/// - `apply_mode` [`incremental`]: `incremental|atomic`.
/// - `runtime_socket` [none]: `/path/to/admin.sock` or `tcp://host:port`; when set the Runtime API is
///   used instead of the Data Plane API, and no Data Plane settings are needed.
/// - `runtime_backends` [none]: names or globs of the backends the Runtime API sink may write; without it,
///   only backends whose whole name the naming scheme produces and whose servers are all `srvN` slots.
/// - `backend`: see ``BackendSection``. `server_slots`: see ``ServerSlotsSection``.
/// - `availability_zone` [none]: HAProxy's own zone; enables the zone rules.
/// - `az_weight_tag` [`HAProxy:Instance:AZperc`]: the tag holding the percentage of traffic for the other zone;
///   `""` turns percentage weights off (the zone backup rule alone applies).
/// - `backend_options` [`{}`]: service name → extra backend fields applied when the backend is created.
/// - `drain_seconds` [`0`]: how long a server whose instance left stays in HAProxy's `drain` state (live
///   connections finish, no new ones) before its slot is freed; `0` frees it at once, as the Python daemon does.
public struct HAProxySection: Hashable, Sendable, Decodable {
    public static let defaultBaseURL = URL(string: "http://localhost:5555")!
    public static let defaultAZWeightTag = "HAProxy:Instance:AZperc"

    public var baseURL = HAProxySection.defaultBaseURL
    public var apiVersion: DataPlaneAPIVersion = .v2
    public var username = "admin"
    public var password: Secret?
    public var timeoutSeconds: Double = 10
    public var verifySSL = true
    public var allowInsecureHTTP = false
    public var caFile: String?
    public var applyMode: DataPlaneApplyMode = .incremental
    public var runtimeSocket: RuntimeSocketAddress?
    public var runtimeBackends: [String] = []
    public var backend = BackendSection()
    public var serverSlots = ServerSlotsSection()
    public var availabilityZone: String?
    public var azWeightTag: String? = HAProxySection.defaultAZWeightTag
    public var backendOptions: [String: [String: JSONValue]] = [:]
    public var drainSeconds: Double = 0

    public init() {}

    /// `; departing servers drain 30 s` for the summary line, or nothing with `drain_seconds: 0`.
    var drainSummary: String {
        drainSeconds > 0 ? "; departing servers drain \(drainSeconds.formatted()) s" : ""
    }

    /// Which sink the file selects: the Runtime API when a socket is configured.
    public var usesRuntimeAPI: Bool { runtimeSocket != nil }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case baseURL = "base_url"
        case apiVersion = "api_version"
        case username
        case password
        case timeout
        case verifySSL = "verify_ssl"
        case allowInsecureHTTP = "allow_insecure_http"
        case caFile = "ca_file"
        case applyMode = "apply_mode"
        case runtimeSocket = "runtime_socket"
        case runtimeBackends = "runtime_backends"
        case backend
        case serverSlots = "server_slots"
        case availabilityZone = "availability_zone"
        case azWeightTag = "az_weight_tag"
        case backendOptions = "backend_options"
        case drainSeconds = "drain_seconds"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.strictContainer(keyedBy: CodingKeys.self)
        let context = decoder.configurationContext

        if let text = try container.decodeIfPresent(String.self, forKey: .baseURL) {
            let url = URL(string: text)
            try container.require(
                ["http", "https"].contains(url?.scheme?.lowercased() ?? "") && url?.host?.isEmpty == false,
                .baseURL,
                value: "\"\(DataPlaneClientConfiguration.redacting(text))\"",
                expected: "an http:// or https:// URL such as http://127.0.0.1:5555"
            )
            self.baseURL = url!
        }
        self.apiVersion = try container.decode(DataPlaneAPIVersion.self, forKey: .apiVersion, default: .v2)
        self.username = try container.decodeNonEmptyString(forKey: .username, default: "admin", expected: "a user name")
        self.password = try container.decodeIfPresent(Secret.self, forKey: .password)
        self.timeoutSeconds = try container.decode(Double.self, forKey: .timeout, default: 10)
        try container.require(
            timeoutSeconds > 0 && timeoutSeconds.isFinite,
            .timeout,
            value: "\(timeoutSeconds)",
            expected: "a number of seconds > 0"
        )
        self.verifySSL = try container.decode(Bool.self, forKey: .verifySSL, default: true)
        self.allowInsecureHTTP = try container.decode(Bool.self, forKey: .allowInsecureHTTP, default: false)
        self.caFile = try container.decodePathIfPresent(forKey: .caFile, decoder: context)
        self.applyMode = try container.decode(DataPlaneApplyMode.self, forKey: .applyMode, default: .incremental)
        self.runtimeSocket = try container.decodeIfPresent(RuntimeSocketAddress.self, forKey: .runtimeSocket)
        self.runtimeBackends = try container.decode([String].self, forKey: .runtimeBackends, default: [])
        try container.require(
            runtimeBackends.allSatisfy { !$0.isEmpty && BackendNaming.isValidGlob($0) },
            .runtimeBackends,
            value: runtimeBackends.map { "\"\($0)\"" }.joined(separator: ", "),
            expected: "backend names or globs made of A-Z a-z 0-9 - _ . : and * ? [ ]"
        )
        self.backend = try container.decode(BackendSection.self, forKey: .backend, default: BackendSection())
        self.serverSlots = try container.decode(ServerSlotsSection.self, forKey: .serverSlots, default: ServerSlotsSection())
        self.availabilityZone = try container.decodeIfPresent(String.self, forKey: .availabilityZone).flatMap(\.nonBlank)
        self.azWeightTag = try container.decode(String.self, forKey: .azWeightTag, default: Self.defaultAZWeightTag).nonBlank
        self.backendOptions = try container.decode(
            [String: [String: JSONValue]].self,
            forKey: .backendOptions,
            default: [:]
        )
        self.drainSeconds = try container.decode(Double.self, forKey: .drainSeconds, default: 0)
        try container.mapping(.drainSeconds) { () throws(HAProxySinkSettingsError) in
            try DrainPolicy.validate(seconds: drainSeconds)
        }
    }
}

/// `haproxy.backend:` — how backends are named and created.
public struct BackendSection: Hashable, Sendable, Decodable {
    public var namePrefix = "azure"
    public var nameSeparator = "-"
    public var balance = "roundrobin"
    public var mode: BackendMode = .http

    public init() {}

    /// HAProxy's `balance` algorithms; an argument may follow (`hdr(host)`, `url_param id`).
    static let balanceAlgorithms = [
        "roundrobin", "static-rr", "leastconn", "first", "source", "uri", "url_param", "hdr", "random",
        "rdp-cookie", "hash",
    ]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case namePrefix = "name_prefix"
        case nameSeparator = "name_separator"
        case balance
        case mode
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.strictContainer(keyedBy: CodingKeys.self)
        self.namePrefix = try container.decode(String.self, forKey: .namePrefix, default: "azure")
        try container.require(
            !namePrefix.isEmpty && namePrefix.allSatisfy(Self.isBackendNameCharacter),
            .namePrefix,
            value: "\"\(namePrefix)\"",
            expected: "a non-empty prefix of letters, digits and - _ . : (HAProxy backend names)"
        )
        self.nameSeparator = try container.decode(String.self, forKey: .nameSeparator, default: "-")
        try container.require(
            !nameSeparator.isEmpty && nameSeparator.allSatisfy(Self.isBackendNameCharacter),
            .nameSeparator,
            value: "\"\(nameSeparator)\"",
            expected: "one or more of - _ . : or letters/digits (HAProxy backend names)"
        )
        self.balance = try container.decode(String.self, forKey: .balance, default: "roundrobin")
            .trimmingCharacters(in: .whitespaces)
        let algorithm = balance.prefix { $0 != "(" && $0 != " " }.lowercased()
        try container.require(
            Self.balanceAlgorithms.contains(algorithm),
            .balance,
            value: "\"\(balance)\"",
            expected: "an HAProxy balance algorithm: \(Self.balanceAlgorithms.joined(separator: ", "))"
        )
        self.mode = try container.decode(BackendMode.self, forKey: .mode, default: .http)
    }

    static func isBackendNameCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || "-_.:".contains(character))
    }
}

/// `haproxy.server_slots:` — how many server slots a backend gets for `n` endpoints.
///
/// Slots are created ahead of need so that adding a server never needs a reload. `linear` grows to
/// `base + ceil((n - base) * growth_factor)`, `exponential` to the smallest `base * growth_factor^k >= n`.
public struct ServerSlotsSection: Hashable, Sendable, Decodable {
    public var base = 10
    public var growthFactor = 1.5
    public var growthType: SlotPolicy.GrowthType = .linear

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case base
        case growthFactor = "growth_factor"
        case growthType = "growth_type"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.strictContainer(keyedBy: CodingKeys.self)
        self.base = try container.decode(Int.self, forKey: .base, default: 10)
        // SlotPolicy is the one validation of these values; this maps its errors to the key path.
        try container.mapping(.base) { () throws(HAProxySinkSettingsError) in try SlotPolicy.validate(base: base) }
        self.growthType = try container.decode(SlotPolicy.GrowthType.self, forKey: .growthType, default: .linear)
        self.growthFactor = try container.decode(Double.self, forKey: .growthFactor, default: 1.5)
        try container.mapping(.growthFactor) { () throws(HAProxySinkSettingsError) in
            try SlotPolicy.validate(growthFactor: growthFactor, for: growthType)
        }
    }
}

extension KeyedDecodingContainer {
    /// Runs a sink type's validation and reports its error at `key` of this section, with its value and
    /// what is expected, as every configuration error reads.
    fileprivate func mapping(_ key: Key, _ validate: () throws(HAProxySinkSettingsError) -> Void) throws {
        do {
            try validate()
        } catch {
            guard let value = error.value, let expected = error.expected else {
                throw ConfigurationError(
                    code: .invalidValue, keyPath: ConfigurationKeyPath(codingPath + [key]), message: error.description
                )
            }
            throw ConfigurationError.invalidValue(at: codingPath + [key], value: value, expected: expected)
        }
    }
}

/// Where the HAProxy Runtime API listens: a UNIX socket path or `tcp://host:port`.
public enum RuntimeSocketAddress: Hashable, Sendable, Decodable, CustomStringConvertible {
    case unix(path: String)
    case tcp(host: String, port: Int)

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self).trimmingCharacters(in: .whitespaces)
        let expected = "a UNIX socket path such as /run/haproxy/admin.sock, or tcp://127.0.0.1:9999"
        if text.lowercased().hasPrefix("tcp://") {
            let authority = text.dropFirst("tcp://".count)
            guard let colon = authority.lastIndex(of: ":"),
                let port = Int(authority[authority.index(after: colon)...]), (1...65535).contains(port)
            else {
                throw ConfigurationError.invalidValue(at: decoder.codingPath, value: "\"\(text)\"", expected: expected)
            }
            var host = String(authority[..<colon])
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            guard !host.isEmpty else {
                throw ConfigurationError.invalidValue(at: decoder.codingPath, value: "\"\(text)\"", expected: expected)
            }
            self = .tcp(host: host, port: port)
        } else {
            var path = text
            if path.lowercased().hasPrefix("unix://") { path = String(path.dropFirst("unix://".count)) }
            guard !path.isEmpty, !path.contains("://") else {
                throw ConfigurationError.invalidValue(at: decoder.codingPath, value: "\"\(text)\"", expected: expected)
            }
            self = .unix(path: decoder.configurationContext.resolve(path: path))
        }
    }

    public var description: String {
        switch self {
        case .unix(let path): path
        case .tcp(let host, let port): host.contains(":") ? "tcp://[\(host)]:\(port)" : "tcp://\(host):\(port)"
        }
    }
}

extension String {
    /// `nil` for an empty or blank string, so `key: ""` means the same as leaving the key out.
    var nonBlank: String? {
        trimmingCharacters(in: .whitespaces).isEmpty ? nil : self
    }
}
