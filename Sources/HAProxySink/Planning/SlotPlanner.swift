import ProviderKit

/// Plans one backend: which slot each instance occupies and which slots must be written.
///
/// A pure value, like AHC's `HTTPRequestStateMachine`: all input in, a ``BackendPlan`` out, no I/O, so the
/// sinks and `plan` compute exactly the same thing and tests need no HAProxy.
///
/// ## Rules
/// - **An instance keeps its slot for as long as it lives.** It is matched, in this order, by its previous
///   assignment (if that slot still exists), then by address and port among the actual servers that are
///   not in maintenance (this rebuilds the assignments after a restart), else it takes the lowest-numbered
///   free slot (growing the backend per ``SlotPolicy`` when there is none).
/// - Adding or removing one instance never touches another instance's slot. A live instance whose address
///   changed is re-addressed in its own slot. A departed instance's slot becomes a placeholder
///   (``ServerState/placeholder(name:weight:)``). Slots are never reordered or compacted; shrinking removes
///   trailing free slots only, per ``SlotPolicy/resizedCapacity(current:active:highestOccupiedSlot:)``.
/// - Change detection compares every managed field of the planned server with the actual one, so a server
///   altered out-of-band is repaired and a server that already matches produces no change.
/// - Servers not named `srvN` are left alone and reported.
/// - With `haproxy.drain_seconds` above 0 a slot whose instance left drains before it is freed, and an
///   instance that comes back during the drain takes its slot again: see ``DrainDecisions``.
public struct SlotPlanner: Sendable {
    public var backendName: String
    public var serviceKey: ServiceKey?
    /// The backend's servers as HAProxy has them; `nil` when the backend does not exist.
    public var actualServers: [ServerState]?
    /// The endpoints to place, with their settings. Duplicated instance ids are reported and placed once.
    public var desired: [DesiredServer]
    /// The assignments of the last successful apply; may be empty (after a restart).
    public var previousAssignments: [InstanceID: String]
    public var slotPolicy: SlotPolicy
    /// Weight of free slots: the same as active servers', so filling a slot changes no non-runtime field.
    public var placeholderWeight: Int
    /// The service vanished: plan the backend's retirement (typically with no desired servers).
    public var isRetired: Bool
    /// Drain policy, drains in progress and the time: see ``DrainDecisions``.
    public var drain: DrainInput

    public init(
        backendName: String,
        serviceKey: ServiceKey? = nil,
        actualServers: [ServerState]?,
        desired: [DesiredServer],
        previousAssignments: [InstanceID: String] = [:],
        slotPolicy: SlotPolicy = .standard,
        placeholderWeight: Int = ServerSettingsPolicy.defaultWeight,
        isRetired: Bool = false,
        drain: DrainInput = DrainInput()
    ) {
        self.backendName = backendName
        self.serviceKey = serviceKey
        self.actualServers = actualServers
        self.desired = desired
        self.previousAssignments = previousAssignments
        self.slotPolicy = slotPolicy
        self.placeholderWeight = placeholderWeight
        self.isRetired = isRetired
        self.drain = drain
    }

    /// `occupant` value of a slot held by a drain.
    private static let drainingSlot = -2

    public func plan() -> BackendPlan {
        plan(desired, settings: desired.map { ServerSettings(weight: $0.weight, backup: $0.backup) })
    }

    /// The plan for `endpoints` with the weight and backup of each (`settings[i]` belongs to `endpoints[i]`),
    /// ignoring ``desired``: the same plan as ``plan()`` for the ``DesiredServer``s these make, without copying
    /// every instance id into one. That copy retained each id's string, a cache miss apiece, and was the largest
    /// remaining cost of a no-op plan at 100,000 instances.
    func plan(endpoints: [Endpoint], settings: [ServerSettings]) -> BackendPlan {
        plan(endpoints, settings: settings)
    }

    private func plan<Server: SlotCandidate>(_ candidates: [Server], settings: [ServerSettings]) -> BackendPlan {
        precondition(candidates.count == settings.count, "one setting per server")
        // Instance ids are unique in a catalog, so duplicates are only looked for when building the
        // assignments finds one: hashing every id once more costs more than the rest of the plan.
        if let plan = place(candidates, settings: settings, warnings: []) { return plan }
        var servers: [Server] = []
        var kept: [ServerSettings] = []
        var warnings: [PlanWarning] = []
        var seen = Set<InstanceID>(minimumCapacity: candidates.count)
        for (server, setting) in zip(candidates, settings) {
            if seen.insert(server.instanceID).inserted {
                servers.append(server)
                kept.append(setting)
            } else {
                warnings.append(
                    PlanWarning(
                        backend: backendName,
                        instanceID: server.instanceID,
                        message: "listed twice; placed once"
                    )
                )
            }
        }
        guard let plan = place(servers, settings: kept, warnings: warnings) else {
            preconditionFailure("duplicates were removed")
        }
        return plan
    }

    /// The plan for `servers`, or `nil` if an instance id occurs twice.
    ///
    /// Runs for every backend on every cycle, so it works on integer tables (slot → position of the actual
    /// server, slot → position of the desired one) and reads servers in place rather than copying them around.
    private func place<Server: SlotCandidate>(
        _ servers: [Server],
        settings: [ServerSettings],
        warnings: [PlanWarning]
    ) -> BackendPlan? {
        let actualServers = self.actualServers ?? []
        return actualServers.withUnsafeBufferPointer { actualServers in
            servers.withUnsafeBufferPointer { servers in
                settings.withUnsafeBufferPointer { settings in
                    place(servers, settings: settings, actualServers: actualServers, warnings: warnings)
                }
            }
        }
    }

    private func place<Server: SlotCandidate>(
        _ servers: UnsafeBufferPointer<Server>,
        settings: UnsafeBufferPointer<ServerSettings>,
        actualServers: UnsafeBufferPointer<ServerState>,
        warnings: [PlanWarning]
    ) -> BackendPlan? {
        var warnings = warnings

        // Actual slots by index (index 0 unused): the position of the slot's server in `actualServers`, or -1.
        var unmanaged: [ServerState] = []
        var currentCapacity = 0
        var slotIndexOf = [Int](repeating: 0, count: actualServers.count)
        for position in actualServers.indices {
            if let index = SlotName.index(of: actualServers[position].name) {
                slotIndexOf[position] = index
                currentCapacity = max(currentCapacity, index)
            } else {
                unmanaged.append(actualServers[position])
            }
        }
        var actualAt = [Int](repeating: -1, count: currentCapacity + 1)
        for position in actualServers.indices where slotIndexOf[position] > 0 {
            actualAt[slotIndexOf[position]] = position
        }
        if !unmanaged.isEmpty {
            warnings.append(
                PlanWarning(
                    backend: backendName,
                    message: "servers not managed by discoveryd left alone: "
                        + unmanaged.map(\.name).joined(separator: ", ")
                )
            )
        }

        // Room for everyone before assignment; shrinking is decided afterwards, when we know which slots are held.
        let roomy = max(currentCapacity, slotPolicy.capacity(forActive: servers.count))
        var occupant = [Int](repeating: -1, count: roomy + 1)
        var slotOf = [Int](repeating: 0, count: servers.count)
        var unplaced = servers.count

        // 1. Previous assignments, while the slot still exists.
        var keptPreviousSlot = 0
        if !previousAssignments.isEmpty {
            for position in servers.indices {
                guard let name = previousAssignments[servers[position].instanceID],
                    let index = SlotName.index(of: name),
                    index <= currentCapacity, actualAt[index] >= 0, occupant[index] < 0
                else { continue }
                occupant[index] = position
                slotOf[position] = index
                keptPreviousSlot += 1
            }
            unplaced -= keptPreviousSlot
        }

        // The drain rules (SlotDrain.swift) read the slots as optional servers; built only when drains matter.
        var slots: [ServerState?] {
            actualAt.map { $0 >= 0 ? actualServers[$0] : nil }
        }

        // 1b. An instance that comes back while its slot drains takes that slot again.
        if !drain.drains.isEmpty, unplaced > 0 {
            let actual = slots
            var drainedBy: [InstanceID: String] = [:]
            for record in drain.drains.values { if let id = record.instanceID { drainedBy[id] = record.slot } }
            for position in servers.indices where slotOf[position] == 0 {
                guard let index = DrainDecisions.slotIndex(of: servers[position].instanceID, in: drainedBy, actual: actual),
                    occupant[index] < 0
                else { continue }
                occupant[index] = position
                slotOf[position] = index
                unplaced -= 1
            }
        }

        // 2. Address and port among live actual servers: rebuilds the assignments after a restart.
        if unplaced > 0, currentCapacity > 0 {
            var liveSlots: [AddressKey: [Int]] = [:]
            var index = currentCapacity
            while index >= 1 {
                let at = actualAt[index]
                if at >= 0, !actualServers[at].maintenance, occupant[index] < 0 {
                    let server = actualServers[at]
                    liveSlots[AddressKey(address: server.address, port: server.port), default: []].append(index)
                }
                index -= 1
            }
            if !liveSlots.isEmpty {
                for position in servers.indices where slotOf[position] == 0 {
                    let key = AddressKey(address: servers[position].address, port: servers[position].port)
                    // Lists are in descending order, so popLast takes the lowest slot.
                    guard let index = liveSlots[key]?.popLast() else { continue }
                    occupant[index] = position
                    slotOf[position] = index
                    unplaced -= 1
                }
            }
        }

        // Unclaimed slots HAProxy still serves drain (or are freed); a draining slot is not free.
        var drains = DrainDecisions()
        if !drain.isInert {
            drains = DrainDecisions(
                input: drain,
                actual: slots,
                isClaimed: { occupant[$0] >= 0 },
                previousOccupant: { name in previousAssignments.first { $0.value == name }?.key }
            )
            for index in drains.draining.keys { occupant[index] = Self.drainingSlot }
            let needed = slotPolicy.capacity(forActive: servers.count + drains.draining.count)
            if needed >= occupant.count { occupant += repeatElement(-1, count: needed + 1 - occupant.count) }
        }

        // 3. Lowest free slot.
        if unplaced > 0 {
            var nextFree = 1
            for position in servers.indices where slotOf[position] == 0 {
                while occupant[nextFree] != -1 { nextFree += 1 }
                occupant[nextFree] = position
                slotOf[position] = nextFree
            }
        }

        let highestOccupied = max(slotOf.max() ?? 0, drains.draining.keys.max() ?? 0)
        let capacity =
            self.actualServers == nil
            ? max(slotPolicy.capacity(forActive: servers.count), highestOccupied)
            : slotPolicy.resizedCapacity(
                current: currentCapacity,
                active: servers.count + drains.draining.count,
                highestOccupiedSlot: highestOccupied
            )

        // Planned servers and the writes to get there. A new backend's writes add each planned server in order
        // (no slot exists, so every one below is an `addSlot`): `BackendPlan` makes them from the servers when read.
        let isNewBackend = self.actualServers == nil
        var planned: [ServerState] = []
        planned.reserveCapacity(capacity)
        var changes: [ServerChange] = []
        var missingSlots: [String] = []
        var index = 1
        while index <= capacity {
            let at = index <= currentCapacity ? actualAt[index] : -1
            let position = index < occupant.count ? occupant[index] : -1
            if at >= 0 {
                let existing = actualServers[at]
                let target: ServerState =
                    if position >= 0 {
                        servers[position].server(named: existing.name, settings[position])
                    } else if position == Self.drainingSlot, let record = drains.draining[index] {
                        record.server(from: existing)
                    } else {
                        ServerState.placeholder(name: existing.name, weight: placeholderWeight)
                    }
                if existing != target {
                    changes.append(.updateSlot(from: existing, to: target, fields: target.differences(from: existing)))
                }
                planned.append(target)
            } else {
                let name = SlotName.name(forIndex: index)
                let target =
                    position >= 0
                    ? servers[position].server(named: name, settings[position])
                    : ServerState.placeholder(name: name, weight: placeholderWeight)
                if index <= currentCapacity { missingSlots.append(name) }
                if !isNewBackend { changes.append(.addSlot(target)) }
                planned.append(target)
            }
            index += 1
        }
        if capacity < currentCapacity {
            for index in (capacity + 1)...currentCapacity where actualAt[index] >= 0 {
                changes.append(.removeSlot(actualServers[actualAt[index]]))
            }
        }
        if !missingSlots.isEmpty {
            warnings.append(
                PlanWarning(
                    backend: backendName,
                    message: "missing slots re-created: " + missingSlots.joined(separator: ", ")
                )
            )
        }

        var assignments: [InstanceID: String]
        if keptPreviousSlot == servers.count, previousAssignments.count == servers.count {
            // The steady state: everyone kept their slot (so the ids are distinct) and nobody else is listed.
            assignments = previousAssignments
        } else {
            assignments = [:]
            assignments.reserveCapacity(servers.count)
            for position in servers.indices
            where assignments.updateValue(planned[slotOf[position] - 1].name, forKey: servers[position].instanceID)
                != nil
            {
                return nil
            }
        }

        let drainsAfter = drains.draining.keys.sorted().compactMap { drains.draining[$0] }
        let expiredDrains = drains.expired.sorted { (SlotName.index(of: $0.slot) ?? 0) < (SlotName.index(of: $1.slot) ?? 0) }
        return BackendPlan(
            backendName: backendName,
            serviceKey: serviceKey,
            servers: planned,
            changeStorage: isNewBackend
                ? BackendPlan.storageAddingEvery(planned) : BackendPlan.storage(of: changes, servers: planned),
            assignments: assignments,
            unmanagedServers: unmanaged,
            warnings: warnings,
            isNewBackend: isNewBackend,
            isRetired: isRetired,
            drains: drainsAfter,
            expiredDrains: expiredDrains
        )
    }
}

/// What the slot planner reads of a server to place: a ``DesiredServer``, or an ``Endpoint`` read in place with
/// its ``ServerSettings`` beside it.
protocol SlotCandidate {
    var instanceID: InstanceID { get }
    var address: String { get }
    var port: Int { get }
}

extension SlotCandidate {
    /// The server line that serves this candidate from slot `name` (as ``DesiredServer/server(named:)``).
    func server(named name: String, _ settings: ServerSettings) -> ServerState {
        ServerState(name: name, address: address, port: port, maintenance: false, weight: settings.weight, backup: settings.backup)
    }
}

extension DesiredServer: SlotCandidate {}
extension Endpoint: SlotCandidate {}

private struct AddressKey: Hashable {
    var address: String
    var port: Int
}
