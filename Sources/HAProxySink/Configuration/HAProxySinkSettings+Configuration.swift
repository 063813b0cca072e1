import ProviderKit

extension HAProxySinkSettings {
    /// The planning settings both HAProxy sinks and `plan` use, from the `haproxy:` section (the defaults
    /// when the file has none).
    ///
    /// The section was validated while loading, so this only fails if the planner's own rules are
    /// stricter than the loader's; the error then names the key.
    public init(_ section: HAProxySection) throws(HAProxySinkSettingsError) {
        let slots = section.serverSlots
        self.init(
            naming: try BackendNaming(prefix: section.backend.namePrefix, separator: section.backend.nameSeparator),
            slotPolicy: try SlotPolicy(base: slots.base, growthFactor: slots.growthFactor, growthType: slots.growthType),
            serverSettings: try ServerSettingsPolicy(
                availabilityZone: section.availabilityZone,
                azWeightTag: section.azWeightTag
            ),
            balance: section.backend.balance,
            mode: section.backend.mode,
            backendOptions: section.backendOptions,
            runtimeOwnership: RuntimeBackendOwnership(patterns: section.runtimeBackends),
            drainPolicy: try DrainPolicy(seconds: section.drainSeconds)
        )
    }
}

// The configuration words of the `haproxy:` section are the sink's own types: one definition each.
extension DataPlaneAPIVersion: ConfigurationWord {
    public static var aliases: [String: Self] { ["2": .v2, "3": .v3] }
}

extension DataPlaneApplyMode: ConfigurationWord {}
extension BackendMode: ConfigurationWord {}
extension SlotPolicy.GrowthType: ConfigurationWord {}
