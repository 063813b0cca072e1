import Foundation

/// NICs and public IPs indexed by lower-cased id, and the address choice for one machine.
struct NetworkIndex: Sendable {
    private var nicsByID: [String: NetworkInterface] = [:]
    private var nicsByMachine: [String: [NetworkInterface]] = [:]
    private var publicAddressByID: [String: String] = [:]

    init(nics: [NetworkInterface], publicIPs: [PublicIPAddress]) {
        for nic in nics {
            nicsByID[nic.id.lowercased()] = nic
            if let machine = nic.properties?.virtualMachine?.key {
                nicsByMachine[machine, default: []].append(nic)
            }
        }
        for publicIP in publicIPs {
            if let address = publicIP.properties?.ipAddress, !address.isEmpty {
                publicAddressByID[publicIP.id.lowercased()] = address
            }
        }
    }

    enum Addresses: Sendable, Equatable {
        case noNetworkInterface
        case noPrivateIPv4
        case found(private: String, public: String?)

        var publicAddress: String? {
            if case .found(_, let publicAddress) = self { return publicAddress }
            return nil
        }
    }

    func addresses(of vm: VirtualMachine) -> Addresses {
        guard let nic = primaryNetworkInterface(of: vm) else { return .noNetworkInterface }
        let ipv4 = (nic.properties?.ipConfigurations ?? []).filter(Self.isIPv4)
        guard let configuration = ipv4.first(where: { $0.properties?.primary == true }) ?? ipv4.first,
            let privateAddress = configuration.properties?.privateIPAddress.map(Self.stripPrefixLength),
            !privateAddress.isEmpty
        else { return .noPrivateIPv4 }
        let publicAddress =
            self.publicAddress(of: configuration)
            ?? ipv4.lazy.compactMap { self.publicAddress(of: $0) }.first
        return .found(private: privateAddress, public: publicAddress)
    }

    /// The NIC marked primary (on the VM's reference or on the NIC itself), the only NIC, or the first.
    func primaryNetworkInterface(of vm: VirtualMachine) -> NetworkInterface? {
        let references = vm.properties?.networkProfile?.networkInterfaces ?? []
        let referenced = references.compactMap { reference -> (Bool, NetworkInterface)? in
            guard let key = reference.id?.lowercased(), let nic = nicsByID[key] else { return nil }
            return (reference.properties?.primary == true, nic)
        }
        let candidates = referenced.isEmpty ? (nicsByMachine[vm.id.lowercased()] ?? []).map { (false, $0) } : referenced
        if candidates.count <= 1 { return candidates.first?.1 }
        return candidates.first(where: { $0.0 })?.1
            ?? candidates.first(where: { $0.1.properties?.primary == true })?.1
            ?? candidates.first?.1
    }

    private func publicAddress(of configuration: NetworkInterface.IPConfiguration) -> String? {
        configuration.properties?.publicIPAddress?.key.flatMap { publicAddressByID[$0] }
    }

    static func isIPv4(_ configuration: NetworkInterface.IPConfiguration) -> Bool {
        if let version = configuration.properties?.privateIPAddressVersion {
            return version.lowercased() == "ipv4"
        }
        guard let address = configuration.properties?.privateIPAddress else { return false }
        return address.contains(".") && !address.contains(":")
    }

    /// `172.20.2.16/28` → `172.20.2.16`.
    static func stripPrefixLength(_ address: String) -> String {
        String(address.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
            .trimmingCharacters(in: .whitespaces)
    }
}
