import Foundation
import ProviderKit

/// Renders a ``ReconcilePlan`` for people (`plan` output, logs) and machines (`plan --json`).
public enum PlanRenderer {
    /// A table per backend (status, slots used/total) with one line per changed server, then skipped
    /// services, warnings and a summary. Says "no changes" when there is nothing to do.
    public static func text(_ plan: ReconcilePlan) -> String {
        var lines: [String] = []
        if !plan.backends.isEmpty {
            let nameWidth = max("BACKEND".count, plan.backends.map(\.backendName.count).max() ?? 0)
            lines.append(pad("BACKEND", nameWidth) + "  " + pad("STATUS", 9) + "  SLOTS")
            for backend in plan.backends {
                lines.append(
                    pad(backend.backendName, nameWidth) + "  " + pad(backend.status.rawValue, 9) + "  "
                        + "\(backend.slotsUsed)/\(backend.slotsTotal)"
                )
                let slotWidth = backend.changes.map(\.slotName.count).max() ?? 0
                for change in backend.changes {
                    lines.append("  " + pad(change.slotName, slotWidth) + "  " + describe(change))
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
        if plan.isNoOp {
            lines.append(
                "no changes (\(counts.backends) backends, \(counts.slotsUsed)/\(counts.slotsTotal) slots used)"
            )
        } else {
            lines.append(
                "\(counts.newBackends) new, \(counts.changedBackends) changed, \(counts.retiredBackends) retired, "
                    + "\(counts.unchangedBackends) unchanged backends; \(counts.serversChanged) server changes "
                    + "(\(counts.runtimeChanges) runtime, \(counts.structuralChanges) need a reload), "
                    + "\(counts.slotsAdded) slots added, \(counts.slotsRemoved) removed"
            )
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The plan as JSON with sorted keys (stable for diffs and tests). See ``PlanDocument``.
    public static func json(_ plan: ReconcilePlan, prettyPrinted: Bool = true) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting =
            prettyPrinted ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let data = try encoder.encode(PlanDocument(plan))
        return String(decoding: data, as: UTF8.self)
    }

    private static func describe(_ change: ServerChange) -> String {
        switch change {
        case .addSlot(let server):
            "(new slot) -> \(describe(server))"
        case .updateSlot(let from, let to, let fields):
            "\(describe(from)) -> \(describe(to))  [\(fields.map(\.rawValue).joined(separator: ", "))]"
                + (change.kind == .structural ? " (reload)" : "")
        case .removeSlot(let server):
            "\(describe(server)) -> (slot removed)"
        }
    }

    private static func describe(_ server: ServerState) -> String {
        var text =
            server.endpointDescription + " " + (server.maintenance ? "maint" : "ready") + " weight \(server.weight)"
        if server.backup { text += " backup" }
        return text
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}

/// The JSON shape of a plan (keys in snake_case, sorted).
public struct PlanDocument: Codable, Hashable, Sendable {
    public var noChanges: Bool
    public var counts: PlanCounts
    public var backends: [Backend]
    public var skipped: [Skipped]
    public var warnings: [PlanWarning]

    public struct Backend: Codable, Hashable, Sendable {
        public var name: String
        public var status: BackendPlan.Status
        public var service: Service?
        public var slotsUsed: Int
        public var slotsTotal: Int
        public var needsReload: Bool
        public var changes: [Change]
        /// Instance id → slot name.
        public var assignments: [String: String]
        public var unmanagedServers: [String]
    }

    public struct Service: Codable, Hashable, Sendable {
        public var name: String
        public var port: Int
        public var region: String
    }

    public struct Change: Codable, Hashable, Sendable {
        public enum Action: String, Codable, Hashable, Sendable {
            case add, update, remove
        }

        public var slot: String
        public var action: Action
        public var kind: ServerChangeKind
        public var fields: [ServerField]
        public var from: ServerState?
        public var to: ServerState?
    }

    public struct Skipped: Codable, Hashable, Sendable {
        public var service: Service
        public var reason: String
    }

    public init(_ plan: ReconcilePlan) {
        noChanges = plan.isNoOp
        counts = plan.counts
        warnings = plan.warnings
        skipped = plan.skipped.map { Skipped(service: Service($0.key), reason: $0.reason.description) }
        backends = plan.backends.map { backend in
            Backend(
                name: backend.backendName,
                status: backend.status,
                service: backend.serviceKey.map(Service.init),
                slotsUsed: backend.slotsUsed,
                slotsTotal: backend.slotsTotal,
                needsReload: backend.needsStructuralChange,
                changes: backend.changes.map(Change.init),
                assignments: Dictionary(uniqueKeysWithValues: backend.assignments.map { ($0.key.rawValue, $0.value) }),
                unmanagedServers: backend.unmanagedServers.map(\.name)
            )
        }
    }
}

extension PlanDocument.Service {
    init(_ key: ServiceKey) {
        self.init(name: key.name, port: key.port, region: key.region)
    }
}

extension PlanDocument.Change {
    init(_ change: ServerChange) {
        switch change {
        case .addSlot(let server):
            self.init(slot: server.name, action: .add, kind: change.kind, fields: [], from: nil, to: server)
        case .updateSlot(let from, let to, let fields):
            self.init(slot: to.name, action: .update, kind: change.kind, fields: fields, from: from, to: to)
        case .removeSlot(let server):
            self.init(slot: server.name, action: .remove, kind: change.kind, fields: [], from: server, to: nil)
        }
    }
}
