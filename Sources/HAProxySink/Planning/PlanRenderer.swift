import Foundation
import ProviderKit

/// Renders a ``ReconcilePlan`` for people (`plan` output, logs) and machines (`plan --format json`, see
/// ``PlanDocument``).
public enum PlanRenderer {
    /// How the sink carries the plan out, which decides how it is described.
    public enum Mechanism: Hashable, Sendable {
        /// The Data Plane API: creates backends and slots in a transaction and reloads for those.
        case dataPlane
        /// The Runtime API: never reloads, never creates backends, never deletes servers.
        case runtimeAPI(HAProxySinkSettings)
    }

    /// A table per backend (status, slots used/total) with one line per changed server, naming the instance
    /// (`srv2: shop-2 127.0.0.42:8080 → free`), then skipped services, warnings and a summary. Says
    /// "no changes" when there is nothing to do. `names` gives the instances' names (see ``InstanceNames``).
    public static func text(
        _ plan: ReconcilePlan,
        mechanism: Mechanism = .dataPlane,
        names: InstanceNames = InstanceNames(),
        foreignBackends: [String: String] = [:]
    ) -> String {
        var lines: [String] = []
        var missing: [BackendPlan] = []
        var foreign = 0
        var runtimeWrites = 0
        if !plan.backends.isEmpty {
            let nameWidth = max("BACKEND".count, plan.backends.map(\.backendName.count).max() ?? 0)
            lines.append(pad("BACKEND", nameWidth) + "  " + pad("STATUS", 9) + "  SLOTS")
            for backend in plan.backends {
                var status = backend.status.rawValue
                if case .runtimeAPI = mechanism, backend.isNewBackend {
                    if foreignBackends[backend.backendName] != nil {
                        status = "NOT OURS"
                        foreign += 1
                    } else {
                        status = "MISSING"
                        missing.append(backend)
                    }
                }
                lines.append(
                    pad(backend.backendName, nameWidth) + "  " + pad(status, 9) + "  "
                        + "\(backend.slotsUsed)/\(backend.slotsTotal)"
                )
                if case .runtimeAPI = mechanism, backend.isNewBackend, let reason = foreignBackends[backend.backendName] {
                    lines.append("  error: " + PlanDocument.PlanError.notOwned(backend.backendName, reason: reason))
                    continue
                }
                if case .runtimeAPI(let settings) = mechanism, backend.isNewBackend {
                    lines.append(
                        "  error: HAProxy has no backend \(backend.backendName) and the Runtime API cannot create "
                            + "one; add these lines to haproxy.cfg and reload HAProxy once:"
                    )
                    let configuration = RuntimeAPISinkError.missing([backend], settings: settings)
                    lines += configuration.configurationLines.map { "      " + $0 }
                    continue
                }
                var described = backend.changes.compactMap { change in
                    describe(change, in: backend, mechanism: mechanism, names: names).map { (change.slotName, $0) }
                }
                described += drainsInProgress(backend, names: names)
                runtimeWrites += described.count
                let slotWidth = described.map(\.0.count).max() ?? 0
                for (slot, text) in described {
                    lines.append("  " + pad(slot + ":", slotWidth + 1) + " " + text)
                }
            }
        }
        for service in plan.skipped {
            lines.append("skipped: \(service)")
        }
        for warning in plan.warnings {
            lines.append("warning: \(warning)")
        }
        let counts = plan.counts
        switch mechanism {
        case .dataPlane where plan.isNoOp, .runtimeAPI where plan.isNoOp:
            lines.append(
                "no changes (\(counts.backends) backends, \(counts.slotsUsed)/\(counts.slotsTotal) slots used)"
            )
        case .dataPlane:
            lines.append(
                "\(counts.newBackends) new, \(counts.changedBackends) changed, \(counts.retiredBackends) retired, "
                    + "\(counts.unchangedBackends) unchanged backends; \(counts.serversChanged) server changes "
                    + "(\(counts.runtimeChanges) runtime, \(counts.structuralChanges) need a reload), "
                    + "\(counts.slotsAdded) slots added, \(counts.slotsRemoved) removed"
            )
        case .runtimeAPI:
            var summary =
                "\(counts.changedBackends) changed, \(counts.retiredBackends) retired, "
                + "\(counts.unchangedBackends) unchanged backends; \(runtimeWrites) server "
                + "change\(runtimeWrites == 1 ? "" : "s") through the Runtime API"
            if !missing.isEmpty {
                summary +=
                    "; error: \(missing.count) backend\(missing.count == 1 ? " is" : "s are") missing from HAProxy, "
                    + "so the apply would fail (the other backends are still updated)"
            }
            if foreign > 0 {
                summary +=
                    "; error: \(foreign) backend\(foreign == 1 ? " is" : "s are") not discoveryd's, so the apply "
                    + "would fail (the other backends are still updated)"
            }
            lines.append(summary)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One change line after the slot name, or `nil` when the sink would write nothing for it.
    private static func describe(
        _ change: ServerChange,
        in backend: BackendPlan,
        mechanism: Mechanism,
        names: InstanceNames
    ) -> String? {
        let occupant = names.occupants(of: backend)
        switch (change, mechanism) {
        case (.addSlot(let server), .dataPlane):
            return "new slot → " + describe(server, occupant: occupant[server.name], names: names)
        case (.addSlot(let server), .runtimeAPI):
            return "new slot (add server) → " + describe(server, occupant: occupant[server.name], names: names)
        case (.updateSlot(let from, let to, let fields), _):
            var text =
                describe(from, occupant: nil, names: names) + " → "
                + describe(to, occupant: occupant[to.name], names: names)
            if to.draining, let drain = backend.drains.first(where: { $0.slot == to.name }) {
                text = describe(from, occupant: nil, names: names) + " → draining (until \(timestamp(drain.until)))"
            } else if from.draining && to.isPlaceholder {
                text += " (drain ended)"
            }
            if fields.contains(.weight) && !from.isPlaceholder && !to.isPlaceholder {
                text += " (weight \(from.weight) → \(to.weight))"
            }
            if fields.contains(.backup) {
                switch mechanism {
                case .dataPlane: text += " (backup \(to.backup ? "on" : "off"), reload)"
                case .runtimeAPI: text += " (backup cannot change at runtime: see warnings)"
                }
            }
            return text
        case (.removeSlot(let server), .dataPlane):
            return describe(server, occupant: nil, names: names) + " → slot removed (reload)"
        case (.removeSlot(let server), .runtimeAPI):
            // The Runtime API never deletes servers: a surplus slot is only put in maintenance.
            guard !server.maintenance else { return nil }
            return describe(server, occupant: nil, names: names) + " → free (kept, never deleted)"
        }
    }

    /// `free` for a placeholder slot, else `name address:port` with what sets it apart.
    private static func describe(_ server: ServerState, occupant: String?, names: InstanceNames) -> String {
        if server.isPlaceholder { return "free" }
        var text = server.endpointDescription
        if let name = occupant ?? names.name(at: server) { text = name + " " + text }
        if server.maintenance { text += " maint" } else if server.draining { text += " draining" }
        if server.backup { text += " backup" }
        return text
    }

    /// Slots that keep draining with nothing to write this time, so `plan` shows every drain there is.
    private static func drainsInProgress(_ backend: BackendPlan, names: InstanceNames) -> [(String, String)] {
        let changed = Set(backend.changes.map(\.slotName))
        return backend.drains.filter { !changed.contains($0.slot) }.map { drain in
            let server = ServerState(name: drain.slot, address: drain.address, port: drain.port, weight: 0)
            var text = server.endpointDescription
            if let name = names.name(at: server) { text = name + " " + text }
            return (drain.slot, text + " draining (until \(timestamp(drain.until)))")
        }
    }

    /// `2026-12-01T17:45:02Z`: drain deadlines in UTC, to the second.
    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}

/// The names of a catalog's instances, so that plan lines say which instance a slot serves.
public struct InstanceNames: Hashable, Sendable {
    private var byID: [InstanceID: String] = [:]
    private var byEndpoint: [String: String] = [:]
    private var byAddress: [String: String] = [:]

    public init() {}

    public init(_ catalog: ServiceCatalog) {
        for service in catalog.sorted {
            for endpoint in service.endpoints {
                byID[endpoint.instanceID] = endpoint.instanceName
                byEndpoint["\(endpoint.address)|\(endpoint.port)"] = endpoint.instanceName
            }
        }
    }

    /// Adds instances that are not in the catalog (stopped, untagged): a slot at their address is theirs.
    public mutating func add(_ instances: [Instance]) {
        for instance in instances where byAddress[instance.address] == nil {
            byAddress[instance.address] = instance.name
        }
    }

    /// Slot name -> instance name, after the plan.
    func occupants(of backend: BackendPlan) -> [String: String] {
        var result: [String: String] = [:]
        for (id, slot) in backend.assignments {
            if let name = byID[id] { result[slot] = name }
        }
        return result
    }

    /// The instance that serves at this server's address now, if the catalog still has it.
    func name(at server: ServerState) -> String? {
        byEndpoint["\(server.address)|\(server.port)"] ?? byAddress[server.address]
    }
}
