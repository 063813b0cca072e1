import Foundation
import ProviderKit

/// A slot in HAProxy's `drain` state: its instance left, the connections it has finish, and the slot is not
/// free (no new instance takes it) until ``until``.
///
/// The sinks keep these between cycles, like the slot assignments, and hand them back to the planner: the
/// planner itself is pure and takes the time as input.
public struct SlotDrain: Hashable, Sendable {
    /// The slot, `srvN`.
    public var slot: String
    /// The instance that left, when known (a drain found in HAProxy after a restart has none).
    public var instanceID: InstanceID?
    /// Where the slot still points while it drains.
    public var address: String
    public var port: Int
    /// When the slot is freed: the first cycle at or after this time puts it in maintenance.
    public var until: Date

    public init(slot: String, instanceID: InstanceID? = nil, address: String, port: Int, until: Date) {
        self.slot = slot
        self.instanceID = instanceID
        self.address = address
        self.port = port
        self.until = until
    }

    /// The planned server for the slot while it drains: the server as it is, in `drain` instead of `ready`.
    func server(from actual: ServerState) -> ServerState {
        var server = actual
        server.maintenance = false
        server.draining = true
        return server
    }
}

/// What the planner needs to know about drains for one backend: the policy, the drains in progress (by
/// slot name) and the time. Value types only, so the planner stays pure and tests pass a fixed time.
public struct DrainInput: Hashable, Sendable {
    public var policy: DrainPolicy
    /// The drains of the last successful apply, by slot name; empty after a restart.
    public var drains: [String: SlotDrain]
    /// The time the plan is made at, from the sink's injected clock.
    public var now: Date

    public init(policy: DrainPolicy = .immediate, drains: [String: SlotDrain] = [:], now: Date = Date(timeIntervalSince1970: 0)) {
        self.policy = policy
        self.drains = drains
        self.now = now
    }

    /// Nothing drains and nothing can start draining: the planner skips every drain step.
    var isInert: Bool { !policy.isEnabled && drains.isEmpty }
}

/// The drain decisions of one backend plan, made by ``SlotPlanner`` between assigning instances and filling
/// free slots.
///
/// A slot is looked at when HAProxy has a server in it that is not in maintenance (ready or draining) and no
/// desired instance claimed it:
/// - with `drain_seconds` 0 it is freed at once (the Python daemon's behaviour; a server found draining is
///   freed too);
/// - otherwise it drains until its deadline: the one recorded when its drain started, or, for a slot that
///   no record names (its instance left while discoveryd was not running, or discoveryd restarted during the
///   drain and found it in `drain` state), `now + drain_seconds`. Restarting the deadline errs on the side of
///   the live connections: a restart costs at most one more drain period, never a cut connection.
/// - once the deadline passed, the slot is freed like any other and reported as an expired drain.
///
/// A draining slot counts as occupied: no new instance takes it, the backend grows rather than reuse it, and
/// it is never removed by shrinking. An instance that comes back while its slot drains is matched to the slot
/// by its id (or its address) before any other rule and made ready again in it.
struct DrainDecisions {
    /// Draining after the plan, by slot index.
    var draining: [Int: SlotDrain] = [:]
    /// Drains whose deadline passed: their slots are freed by this plan.
    var expired: [SlotDrain] = []

    /// No drains: what the planner uses when nothing can drain.
    init() {}

    /// Decides for every unclaimed slot that HAProxy has in service.
    ///
    /// - Parameters:
    ///   - actual: the backend's slots by index (index 0 unused).
    ///   - isClaimed: whether an instance was assigned to the slot at this index.
    ///   - previousOccupant: the instance the last apply put in a slot, by slot name (for new drains).
    init(
        input: DrainInput,
        actual: [ServerState?],
        isClaimed: (Int) -> Bool,
        previousOccupant: (String) -> InstanceID?
    ) {
        guard actual.count > 1 else { return }
        for index in 1..<actual.count {
            guard let server = actual[index], !server.maintenance, !server.isPlaceholderAddress, !isClaimed(index)
            else { continue }
            guard input.policy.isEnabled else {
                if let record = input.drains[server.name] { expired.append(record) }
                continue
            }
            let record =
                input.drains[server.name]
                ?? SlotDrain(
                    slot: server.name,
                    instanceID: previousOccupant(server.name),
                    address: server.address,
                    port: server.port,
                    until: input.policy.deadline(from: input.now)
                )
            if record.until > input.now {
                draining[index] = record
            } else {
                expired.append(record)
            }
        }
    }

    /// The slot a returning instance drains in, by its id, if it still drains there.
    static func slotIndex(
        of instance: InstanceID,
        in drains: [InstanceID: String],
        actual: [ServerState?]
    ) -> Int? {
        guard let name = drains[instance], let index = SlotName.index(of: name), index < actual.count,
            let server = actual[index], !server.maintenance
        else { return nil }
        return index
    }
}

extension ReconcilePlan {
    /// How long until the first drain of the plan ends (plus a quarter second, so that a cycle woken then
    /// finds it ended): what a sink puts in ``SinkReport/revisitAfter`` so the slot is freed on time rather
    /// than at the next interval. `nil` when nothing drains.
    public func revisitAfter(now: Date) -> Duration? {
        var first: Date?
        for backend in backends {
            for drain in backend.drains where first.map({ drain.until < $0 }) ?? true { first = drain.until }
        }
        guard let first else { return nil }
        return .milliseconds(Int64(max(0, first.timeIntervalSince(now)) * 1000) + 250)
    }
}

extension ServerState {
    /// Points at the placeholder address (in or out of maintenance): nothing of ours to drain there.
    var isPlaceholderAddress: Bool {
        address == Self.placeholderAddress && port == Self.placeholderPort
    }
}
