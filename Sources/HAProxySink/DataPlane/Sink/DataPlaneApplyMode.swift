/// How the Data Plane sink splits a cycle's writes (`haproxy.apply_mode`).
public enum DataPlaneApplyMode: String, Hashable, Sendable, CaseIterable {
    /// Structural changes in one transaction (one reload); filling, freeing and re-addressing existing slots
    /// as non-transactional writes HAProxy applies at runtime (no reload). The default.
    case incremental
    /// Everything in one transaction: all or nothing, but every effective change reloads HAProxy.
    case atomic
}
