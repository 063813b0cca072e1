/// Every list one discovery cycle read, before joining. Complete or not at all: it is only built when
/// every list succeeded.
struct FleetSnapshot: Sendable {
    var virtualMachines: [VirtualMachine] = []
    /// The `statusOnly=true` list: run-time status only, joined to ``virtualMachines`` by id.
    var virtualMachineStatuses: [VirtualMachine] = []
    var networkInterfaces: [NetworkInterface] = []
    /// Only read when public addresses are wanted.
    var publicIPAddresses: [PublicIPAddress] = []
    var scaleSets: [VirtualMachineScaleSet] = []
    /// One entry per *tagged* Uniform scale set.
    var uniformScaleSets: [UniformScaleSetSnapshot] = []
}

/// The instances of one Uniform scale set, with their NICs (and public IPs when wanted).
struct UniformScaleSetSnapshot: Sendable {
    var scaleSet: VirtualMachineScaleSet
    var instances: [VirtualMachine] = []
    var networkInterfaces: [NetworkInterface] = []
    var publicIPAddresses: [PublicIPAddress] = []
}
