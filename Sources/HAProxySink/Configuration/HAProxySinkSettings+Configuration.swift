import HAProxySink

extension HAProxySinkSettings {
    /// The planning settings both HAProxy sinks and `plan` use, from the `haproxy:` section.
    ///
    /// The section was validated while loading, so this only fails if the planner's own rules are
    /// stricter than the loader's; the error then names the key.
    public init(_ section: HAProxySection) throws(HAProxySinkSettingsError) {
        let slots = section.serverSlots
        self.init(
            naming: try BackendNaming(prefix: section.backend.namePrefix, separator: section.backend.nameSeparator),
            slotPolicy: try SlotPolicy(
                base: slots.base,
                growthFactor: slots.growthFactor,
                growthType: slots.growthType == .linear ? .linear : .exponential
            ),
            serverSettings: try ServerSettingsPolicy(
                availabilityZone: section.availabilityZone,
                azWeightTag: section.azWeightTag
            ),
            balance: section.backend.balance,
            mode: section.backend.mode == .http ? .http : .tcp,
            backendOptions: section.backendOptions
        )
    }
}
