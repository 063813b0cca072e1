/// One server as HAProxy currently runs it, read from `show servers state`.
public struct RuntimeServerState: Hashable, Sendable {
    /// `srv_admin_state`: administrative flags (HAProxy `enum srv_admin`).
    public struct AdminFlags: OptionSet, Hashable, Sendable {
        public var rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        /// Put in maintenance by the CLI, or by `disabled` in haproxy.cfg.
        public static let forcedMaintenance = AdminFlags(rawValue: 0x01)
        public static let inheritedMaintenance = AdminFlags(rawValue: 0x02)
        /// Marked `disabled` in haproxy.cfg; stays set after the server leaves maintenance.
        public static let configuredMaintenance = AdminFlags(rawValue: 0x04)
        public static let forcedDrain = AdminFlags(rawValue: 0x08)
        public static let inheritedDrain = AdminFlags(rawValue: 0x10)
        public static let resolutionMaintenance = AdminFlags(rawValue: 0x20)
        public static let hostnameMaintenance = AdminFlags(rawValue: 0x40)

        /// HAProxy's `SRV_ADMF_MAINT`: any of these keeps the server out of the pool.
        public static let anyMaintenance: AdminFlags = [.forcedMaintenance, .inheritedMaintenance, .resolutionMaintenance]
        public static let anyDrain: AdminFlags = [.forcedDrain, .inheritedDrain]
    }

    /// `srv_check_state`: health check flags (HAProxy `CHK_ST_*`).
    public struct CheckFlags: OptionSet, Hashable, Sendable {
        public var rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        /// The server has `check` (from haproxy.cfg, a template, or `add server ... check`).
        public static let configured = CheckFlags(rawValue: 0x02)
        /// Checks are switched on (`add server` leaves them off until `enable health`).
        public static let enabled = CheckFlags(rawValue: 0x04)
        /// Checks are paused because the server is in maintenance.
        public static let paused = CheckFlags(rawValue: 0x08)
    }

    /// `srv_op_state`: what health checks and maintenance make of the server.
    public enum OperationalState: Int, Hashable, Sendable {
        case stopped = 0, starting = 1, running = 2, stopping = 3
    }

    public var backendID: Int
    public var backendName: String
    public var serverID: Int
    public var serverName: String
    public var address: String
    /// `srv_port`; 0 means the server has no port of its own.
    public var port: Int
    public var operationalState: OperationalState
    public var adminFlags: AdminFlags
    /// `srv_uweight`: the weight in effect (set by `weight` or `set server ... weight`).
    public var weight: Int
    /// `srv_iweight`: the weight from the configuration.
    public var initialWeight: Int
    public var checkFlags: CheckFlags

    public init(
        backendID: Int,
        backendName: String,
        serverID: Int,
        serverName: String,
        address: String,
        port: Int,
        operationalState: OperationalState,
        adminFlags: AdminFlags,
        weight: Int,
        initialWeight: Int,
        checkFlags: CheckFlags
    ) {
        self.backendID = backendID
        self.backendName = backendName
        self.serverID = serverID
        self.serverName = serverName
        self.address = address
        self.port = port
        self.operationalState = operationalState
        self.adminFlags = adminFlags
        self.weight = weight
        self.initialWeight = initialWeight
        self.checkFlags = checkFlags
    }

    public var isInMaintenance: Bool { !adminFlags.isDisjoint(with: .anyMaintenance) }
    public var isDraining: Bool { !adminFlags.isDisjoint(with: .anyDrain) }
    public var hasHealthCheck: Bool { checkFlags.contains(.configured) }
}
