/// A `Microsoft.Compute/virtualMachineScaleSets` resource.
struct VirtualMachineScaleSet: Decodable, Sendable {
    var id: String
    var name: String?
    var location: String?
    var tags: ARMTags?
    var zones: [String]?
    var properties: Properties?

    struct Properties: Decodable, Sendable {
        var orchestrationMode: String?
    }

    /// `Flexible` members are ordinary VMs; anything else (including an absent field, as in older scale
    /// sets and the official examples) is `Uniform`.
    var orchestrationMode: OrchestrationMode {
        properties?.orchestrationMode?.lowercased() == "flexible" ? .flexible : .uniform
    }

    enum OrchestrationMode: Sendable {
        case uniform
        case flexible
    }
}
