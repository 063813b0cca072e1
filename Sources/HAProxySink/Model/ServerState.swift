/// One `server` line of a managed backend, reduced to the fields discoveryd owns.
///
/// The same type describes what HAProxy has (read by a sink) and what it should have (planned), so the
/// two compare field by field and drift shows up as a difference.
public struct ServerState: Hashable, Sendable, Codable, CustomStringConvertible {
    // The three flags are declared last so that they pack into one word's tail: 56 bytes a server instead of 64
    // (a first plan of 100,000 instances keeps about 160,000 of them).

    /// The slot name, `srv1` ... `srvN` (see ``SlotName``).
    public var name: String
    public var address: String
    public var port: Int
    public var weight: Int
    /// `true` puts the server in maintenance (HAProxy `disabled`, Data Plane `maintenance: enabled`).
    public var maintenance: Bool
    /// HAProxy's `drain` state: no new connections except persistent ones, live ones finish. Only meaningful
    /// when not in ``maintenance`` (maintenance wins in HAProxy). A slot whose instance left drains for
    /// `haproxy.drain_seconds` before it is freed (see ``SlotDrain``).
    public var draining: Bool
    /// A backup server only takes traffic when every non-backup server is down. Changing it needs a reload.
    public var backup: Bool

    public init(
        name: String,
        address: String,
        port: Int,
        maintenance: Bool = false,
        draining: Bool = false,
        weight: Int,
        backup: Bool = false
    ) {
        self.name = name
        self.address = address
        self.port = port
        self.maintenance = maintenance
        self.draining = draining
        self.weight = weight
        self.backup = backup
    }

    enum CodingKeys: String, CodingKey {
        case name, address, port, maintenance, draining, weight, backup
    }

    /// `draining` may be absent (documents written before drains existed): it then reads as `false`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        address = try container.decode(String.self, forKey: .address)
        port = try container.decode(Int.self, forKey: .port)
        maintenance = try container.decode(Bool.self, forKey: .maintenance)
        draining = try container.decodeIfPresent(Bool.self, forKey: .draining) ?? false
        weight = try container.decode(Int.self, forKey: .weight)
        backup = try container.decode(Bool.self, forKey: .backup)
    }

    /// Where a free slot points. Nothing listens there on a load balancer, and the slot is in maintenance anyway.
    public static let placeholderAddress = "127.0.0.1"
    public static let placeholderPort = 80

    /// A free slot. Apart from address, port and maintenance it has exactly the parameters an active server
    /// has, so that filling or freeing it changes only runtime-capable fields and never forces a reload.
    public static func placeholder(name: String, weight: Int = ServerSettingsPolicy.defaultWeight) -> ServerState {
        ServerState(
            name: name,
            address: placeholderAddress,
            port: placeholderPort,
            maintenance: true,
            weight: weight,
            backup: false
        )
    }

    /// A maintenance server at the placeholder address: nothing of ours lives here.
    public var isPlaceholder: Bool {
        maintenance && address == Self.placeholderAddress && port == Self.placeholderPort
    }

    /// The fields in which `other` differs from `self`, in a stable order.
    public func differences(from other: ServerState) -> [ServerField] {
        var fields: [ServerField] = []
        if address != other.address { fields.append(.address) }
        if port != other.port { fields.append(.port) }
        if maintenance != other.maintenance { fields.append(.maintenance) }
        if draining != other.draining { fields.append(.draining) }
        if weight != other.weight { fields.append(.weight) }
        if backup != other.backup { fields.append(.backup) }
        return fields
    }

    /// `10.0.0.4:8080` for IPv4, `[fd00::4]:8080` for IPv6.
    public var endpointDescription: String {
        address.contains(":") ? "[\(address)]:\(port)" : "\(address):\(port)"
    }

    public var description: String {
        var text = "\(name) \(endpointDescription) weight \(weight)"
        if backup { text += " backup" }
        if maintenance { text += " maint" } else if draining { text += " drain" }
        return text
    }
}

/// A server field discoveryd manages.
public enum ServerField: String, Hashable, Sendable, Codable, CaseIterable, Comparable {
    case address
    case port
    case maintenance
    /// HAProxy's `drain` state (runtime only: `set server … state drain`, Data Plane `admin_state`).
    case draining
    case weight
    case backup
    /// Any other server parameter (`check`, `cookie`, something added by hand) differs from what discoveryd
    /// writes. ``ServerState`` does not model these, so ``ServerState/differences(from:)`` never reports it;
    /// a sink that can read them (the Data Plane sink) adds it, and the slot is rewritten in full.
    case parameters

    /// Whether HAProxy can change the field on a running process (runtime API / non-transactional Data Plane
    /// `PUT`) without a reload. `backup` is a configuration-only keyword.
    public var isRuntimeCapable: Bool {
        switch self {
        case .address, .port, .maintenance, .draining, .weight: true
        case .backup, .parameters: false
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
