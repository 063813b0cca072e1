import HAProxySink

extension DaemonAssembly {
    /// The adopter for `discoveryd adopt`: the Data Plane API client and settings the sink would use.
    ///
    /// - Throws: ``WiringError`` when `haproxy.runtime_socket` selects the Runtime API sink, which has no
    ///   ownership marker to set (it manages the backends of the configured names as they are).
    public func makeAdopter() throws -> DataPlaneAdopter {
        let section = configuration.sinkSection(HAProxySection.self, key: DataPlaneSinkKind.sectionKey)
        guard DataPlaneSinkKind.isSelected(by: section) else {
            throw WiringError(
                "adopt works with the Data Plane API only: with haproxy.runtime_socket set, discoveryd manages the "
                    + "backends of its naming scheme as they are and there is no marker to set"
            )
        }
        return try DataPlaneSinkKind.makeAdopter(from: section, context: context)
    }
}
