extension AdoptionPlan {
    /// The plan for a person: one block per backend, what stays and what is written.
    ///
    /// ```
    /// azure-web-8080-westeurope: 12 live servers stay where they are, 1 free slot
    ///   description: none -> "managed by discoveryd"
    ///   srv13 (free): check: disabled -> enabled, cookie: none -> srv13, weight: none -> 100
    /// ```
    public func text(naming: BackendNaming) -> String {
        let scheme = "\(naming.prefix)\(naming.separator)<service>\(naming.separator)<port>\(naming.separator)<region>"
        guard !isEmpty else {
            return "nothing to adopt: every backend named \(scheme) already carries the marker, or there is none\n"
        }
        var lines = [
            "\(backends.count) backend\(backends.count == 1 ? "" : "s") named \(scheme) without the discoveryd marker:"
        ]
        for backend in backends {
            let live = backend.liveServers.count
            lines.append(
                "\(backend.name): \(live) live server\(live == 1 ? "" : "s") stay where \(live == 1 ? "it is" : "they are"), "
                    + "\(backend.freeSlots) free slot\(backend.freeSlots == 1 ? "" : "s")"
            )
            let before = backend.previousDescription.map { "\"\($0)\"" } ?? "none"
            lines.append("  description: \(before) -> \"\(DataPlaneBackendFormat.marker)\"")
            for rewrite in backend.rewrites {
                let role = rewrite.after.maintenance ? "free" : "live, stays at \(rewrite.after.endpointDescription)"
                lines.append("  \(rewrite.after.name) (\(role)): \(rewrite.changes.joined(separator: ", "))")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
