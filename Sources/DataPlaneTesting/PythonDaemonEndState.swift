import Foundation
import HAProxySink

/// What the Python daemon (haproxy-cloud-discovery) leaves in HAProxy, from its `reconciler.py` and
/// `slot_allocator.py`: a backend `{prefix}-{service}-{port}-{region}` created with mode and balance and no
/// description; `srv1..srvN` (N by linear growth, base 10, factor 1.5) assigned to the instances in sorted
/// instance-id order; active servers `maintenance: disabled, check: enabled, cookie: srvK` without a weight;
/// the other slots `127.0.0.1:80, maintenance: enabled, check: disabled`.
public enum PythonDaemonEndState {
    public struct Instance: Sendable {
        public var id: String
        public var address: String
        public var port: Int

        public init(id: String, address: String, port: Int) {
            self.id = id
            self.address = address
            self.port = port
        }
    }

    public struct Service: Sendable {
        public var backend: String
        public var instances: [Instance]

        public init(backend: String, instances: [Instance]) {
            self.backend = backend
            self.instances = instances
        }

        public var sortedInstances: [Instance] { instances.sorted { $0.id < $1.id } }
    }

    /// A fleet the Python daemon last reconciled, by service: 12 web servers and 3 api servers (one on its own port).
    public static let exampleFleet: [PythonDaemonEndState.Service] = [
        .init(
            backend: "azure-web-8080-westeurope",
            instances: (1...12).map { .init(id: String(format: "web-%02d", $0), address: "10.0.1.\($0)", port: 8080) }
        ),
        .init(
            backend: "azure-api-9090-westeurope",
            instances: [
                .init(id: "api-1", address: "10.0.2.1", port: 9090),
                .init(id: "api-2", address: "10.0.2.2", port: 9091),
                .init(id: "api-3", address: "10.0.2.3", port: 9090),
            ]
        ),
    ]

    /// `calculate_slots` with the Python daemon's defaults.
    public static func slotCount(_ active: Int) -> Int {
        active <= 10 ? 10 : 10 + Int((Double(active - 10) * 1.5).rounded(.up))
    }

    public static func slotNames(_ active: Int) -> [String] {
        (1...slotCount(active)).map { "srv\($0)" }
    }

    public static func build(_ services: [Service], into config: inout FakeHAProxyConfiguration) {
        for service in services {
            var backend = FakeHAProxyConfiguration.Backend(
                fields: ["name": .string(service.backend), "mode": "http", "balance": ["algorithm": "roundrobin"]]
            )
            let sorted = service.sortedInstances
            for (index, slot) in slotNames(sorted.count).enumerated() {
                if index < sorted.count {
                    backend.servers.append([
                        "name": .string(slot), "address": .string(sorted[index].address), "port": .int(sorted[index].port),
                        "maintenance": "disabled", "check": "enabled", "cookie": .string(slot),
                    ])
                } else {
                    backend.servers.append([
                        "name": .string(slot), "address": "127.0.0.1", "port": 80, "maintenance": "enabled",
                        "check": "disabled",
                    ])
                }
            }
            config[backend: service.backend] = backend
        }
    }

    /// A static inventory of `instances`, each in its service's name, port and region.
    public static func inventory(_ instances: [(Service, Instance)]) -> String {
        var lines = ["instances:"]
        for (service, instance) in instances {
            // azure-<name>-<port>-<region>
            let parts = service.backend.split(separator: "-")
            lines += [
                "  - id: \(instance.id)",
                "    address: \(instance.address)",
                "    region: \(parts[3])",
                "    tags:",
                "      HAProxy:Service:Name: \(parts[1])",
                "      HAProxy:Service:Port: \"\(parts[2])\"",
                "      HAProxy:Instance:Port: \"\(instance.port)\"",
            ]
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
