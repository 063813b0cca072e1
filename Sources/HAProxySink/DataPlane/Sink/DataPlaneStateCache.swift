/// What the Data Plane sink knows of HAProxy between cycles, valid while the configuration stays at
/// ``version``: a snapshot it read, or the snapshot a cycle started from together with the plan it then
/// applied. The state after that plan is worked out only when a next cycle asks for it; a `--once` run never
/// does (the 3,000 server objects of a first sync's result were 2 MB of that run's peak memory).
enum DataPlaneStateCache: Sendable {
    case read(DataPlaneSnapshot)
    case applied(DataPlaneSnapshot, DataPlanePlan, version: Int)

    /// The configuration version the cached state is valid for.
    var version: Int {
        switch self {
        case .read(let snapshot): snapshot.version
        case .applied(_, _, let version): version
        }
    }

    /// The state itself: as read, or the starting snapshot with the plan applied.
    var snapshot: DataPlaneSnapshot {
        switch self {
        case .read(let snapshot): snapshot
        case .applied(let start, let plan, let version): start.applying(plan, version: version)
        }
    }
}
