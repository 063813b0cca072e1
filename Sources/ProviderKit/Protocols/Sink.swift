/// A consumer of services: something that is kept in step with the desired ``ServiceCatalog``.
///
/// ## Contract
/// - ``apply(_:options:)`` converges the target to `catalog` and is **idempotent**: applying the same
///   catalog twice changes nothing the second time, and a cycle with nothing to do should cost close
///   to nothing.
/// - It is **level-triggered**: the sink compares the desired state with the target's actual state, not
///   with what it sent last time, so drift made by someone else is repaired.
/// - The catalog is complete. A service missing from it has disappeared and is retired by the sink's
///   own rules (the HAProxy sinks put its servers in maintenance and keep the backend).
/// - **Returning** with no ``SinkReport/failures`` means the target accepted every change. Returning with
///   failures means those services (one broken backend, say) were not, or not fully, applied and every
///   other service was: the loop logs them each cycle and calls again next cycle, without backing off the
///   whole daemon for one service. **Throwing** means the target as a whole could not be reached or
///   written: the loop backs off and calls again with the then-current catalog. Either way a sink must
///   never remember a change as done before the target accepted it, and must leave nothing half-open (e.g.
///   a transaction) behind.
/// - Calls never overlap; a sink may keep state between them (e.g. slot assignments), but that state
///   is a cache: a fresh sink given the same catalog must converge to the same result.
public protocol Sink: Sendable {
    /// For logs, e.g. `haproxy-dataplane` or `haproxy-runtime`.
    var name: String { get }

    func apply(_ catalog: ServiceCatalog, options: ApplyOptions) async throws -> SinkReport
}

/// How a ``Sink`` should go about one apply.
public struct ApplyOptions: Hashable, Sendable {
    /// Ignore every cache and re-read the target completely (SIGHUP, the first cycle).
    public var fullResync: Bool

    public init(fullResync: Bool = false) {
        self.fullResync = fullResync
    }
}

/// What one apply did, for logs and metrics.
public struct SinkReport: Hashable, Sendable {
    /// Requests or commands sent to the target.
    public var requests: Int
    /// Servers whose state was written.
    public var serversChanged: Int
    /// Writes that needed a reload or restart of the target (the number to keep at zero).
    public var reloads: Int
    /// Human-readable lines describing what changed, for the log at info level.
    public var changes: [String]
    /// Services that could not be applied this time; every other service was.
    public var failures: [ServiceFailure]
    /// Of ``serversChanged``: writes the target applied at runtime, outside any configuration change.
    public var runtimeChanges: Int
    /// Of ``serversChanged``: writes that went through a configuration change (a committed transaction).
    public var structuralChanges: Int
    /// Times the apply started over from a fresh read because the target changed under it.
    public var retries: Int
    /// Slot usage per target group (an HAProxy backend) after the apply, for sinks with fixed capacity.
    public var slots: [String: SlotUsage]
    /// The sink has a change due at a time rather than on an event (a draining server's slot is freed when
    /// its drain ends): it asks to be called again within this, even when nothing else changes. The loop
    /// starts its next cycle then if that is sooner than its interval (never sooner than a backoff after
    /// failures). `nil`: nothing is due.
    public var revisitAfter: Duration?
    /// Servers put in service for an instance (a free slot filled, a server added), for the cycle's log line.
    public var serversAdded: Int = 0
    /// Servers that kept serving their instance with a changed address, port or weight.
    public var serversUpdated: Int = 0
    /// Servers taken out of service because their instance is gone (a slot freed, a server removed).
    public var serversFreed: Int = 0

    public init(
        requests: Int = 0,
        serversChanged: Int = 0,
        reloads: Int = 0,
        changes: [String] = [],
        failures: [ServiceFailure] = [],
        runtimeChanges: Int = 0,
        structuralChanges: Int = 0,
        retries: Int = 0,
        slots: [String: SlotUsage] = [:],
        revisitAfter: Duration? = nil
    ) {
        self.requests = requests
        self.serversChanged = serversChanged
        self.reloads = reloads
        self.changes = changes
        self.failures = failures
        self.runtimeChanges = runtimeChanges
        self.structuralChanges = structuralChanges
        self.retries = retries
        self.slots = slots
        self.revisitAfter = revisitAfter
    }

    public var isNoOp: Bool { serversChanged == 0 && changes.isEmpty }
}

/// One service (or one target object, such as an HAProxy backend) a sink could not apply in a cycle, while
/// the others were applied.
public struct ServiceFailure: Hashable, Sendable, CustomStringConvertible {
    /// What the sink could not write, in its own terms (an HAProxy backend name).
    public var target: String
    /// The service it is for, when known (a retired backend has none).
    public var service: ServiceKey?
    /// What went wrong, as one sentence on one line.
    public var message: String
    /// How to fix it, on one line, when the sink knows (the log shows it as `fix=`).
    public var fix: String?
    /// Longer help that may span lines, such as configuration to add: shown by commands (`--once`), never
    /// logged, since a log entry is one line.
    public var details: String?

    public init(target: String, service: ServiceKey? = nil, message: String, fix: String? = nil, details: String? = nil) {
        self.target = target
        self.service = service
        self.message = message
        self.fix = fix
        self.details = details
    }

    /// `target (service s): message; fix`, on one line.
    public var description: String {
        let subject = service.map { "\(target) (service \($0))" } ?? target
        return "\(subject): \(message)" + (fix.map { "; \($0)" } ?? "")
    }
}

/// How many of a target group's slots hold an instance, how many are draining (their instance left, the
/// slot is not free yet), and how many there are.
public struct SlotUsage: Hashable, Sendable {
    public var used: Int
    public var total: Int
    public var draining: Int

    public init(used: Int, total: Int, draining: Int = 0) {
        self.used = used
        self.total = total
        self.draining = draining
    }
}
