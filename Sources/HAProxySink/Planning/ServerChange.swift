/// One write to one slot of a backend.
public enum ServerChange: Hashable, Sendable, CustomStringConvertible {
    /// Create a slot (a new backend's slots, growth, or a missing `srvN` re-created).
    case addSlot(ServerState)
    /// Bring an existing slot from its actual state to the planned one; `fields` lists what differs.
    ///
    /// Boxed (`indirect`): its two servers would otherwise make every change, most of them adds in a first
    /// plan, twice as large (at 100,000 instances, 10 MB more per plan).
    indirect case updateSlot(from: ServerState, to: ServerState, fields: [ServerField])
    /// Delete a trailing free slot (shrinking).
    case removeSlot(ServerState)

    public var slotName: String {
        switch self {
        case .addSlot(let server), .removeSlot(let server): server.name
        case .updateSlot(_, let server, _): server.name
        }
    }

    /// How HAProxy can take the change: without a reload (address, port, maintenance and weight of an
    /// existing slot) or only with a configuration change and reload (slots added or removed, `backup`).
    public var kind: ServerChangeKind {
        switch self {
        case .addSlot, .removeSlot: .structural
        case .updateSlot(_, _, let fields): fields.allSatisfy(\.isRuntimeCapable) ? .runtime : .structural
        }
    }

    /// The server as planned (for removals: as it was).
    public var target: ServerState {
        switch self {
        case .addSlot(let server), .removeSlot(let server): server
        case .updateSlot(_, let server, _): server
        }
    }

    public var description: String {
        switch self {
        case .addSlot(let server): "add \(server)"
        case .updateSlot(let from, let to, let fields):
            "update \(to.name): \(from) -> \(to) (\(fields.map(\.rawValue).joined(separator: ", ")))"
        case .removeSlot(let server): "remove \(server)"
        }
    }
}

/// Whether a change can be applied to a running HAProxy.
public enum ServerChangeKind: String, Hashable, Sendable, Codable {
    /// Runtime API / non-transactional Data Plane `PUT`: no reload.
    case runtime
    /// Configuration change: needs a Data Plane transaction and a reload.
    case structural
}
