import DataPlaneTesting
import HAProxySink
import Logging
import ProviderKit

/// A fake Data Plane API, a sink pointed at it, and helpers to build catalogs and read the fake back.
struct DataPlaneSinkHarness {
    let api: FakeDataPlaneAPI
    let server: FakeDataPlaneServer
    let client: DataPlaneClient
    let sink: DataPlaneSink
    let settings: HAProxySinkSettings

    static let region = "westeurope"

    static func backendName(_ service: String, port: Int = 80) -> String {
        "azure-\(service)-\(port)-\(region)"
    }

    /// A second sink on the same API: a restarted daemon, with no cache.
    func freshSink(applyMode: DataPlaneApplyMode = .incremental) throws -> DataPlaneSink {
        DataPlaneSink(
            client: try DataPlaneClient(configuration: server.clientConfiguration()),
            settings: settings,
            applyMode: applyMode,
            logger: quietLogger
        )
    }

    func servers(_ service: String, port: Int = 80) -> [DataPlaneServer] {
        api.servers(in: Self.backendName(service, port: port))
    }

    /// `address:port` of the active (not in maintenance) servers, by slot name.
    func active(_ service: String, port: Int = 80) -> [String: String] {
        var result: [String: String] = [:]
        for server in servers(service, port: port) where !server.isInMaintenance {
            result[server.name] = "\(server.address):\(server.port ?? 0)"
        }
        return result
    }
}

func withSinkHarness<T>(
    _ version: DataPlaneAPIVersion,
    settings: HAProxySinkSettings = HAProxySinkSettings(),
    applyMode: DataPlaneApplyMode = .incremental,
    runtimeAPIAvailable: Bool = true,
    release: String? = nil,
    _ body: (DataPlaneSinkHarness) async throws -> T
) async throws -> T {
    try await withFakeDataPlane(version, runtimeAPIAvailable: runtimeAPIAvailable, release: release) { api, server, client in
        let sink = DataPlaneSink(client: client, settings: settings, applyMode: applyMode, logger: quietLogger)
        return try await body(DataPlaneSinkHarness(api: api, server: server, client: client, sink: sink, settings: settings))
    }
}

/// Builds catalogs tersely: `Catalog().service("web", ["10.0.0.1", "10.0.0.2"])`.
struct Catalog {
    private(set) var services: [DiscoveredService] = []

    func service(_ name: String, port: Int = 80, _ addresses: [String], zones: [String?]? = nil, tags: [[String: String]]? = nil)
        -> Catalog
    {
        var copy = self
        let endpoints = addresses.enumerated().map { index, address in
            Endpoint(
                instanceID: InstanceID("\(name)-\(address)"),
                instanceName: "\(name)-\(address)",
                address: address,
                port: port,
                zone: zones?[index] ?? nil,
                tags: tags?[index] ?? [:]
            )
        }
        copy.services.append(DiscoveredService(key: ServiceKey(name: name, port: port, region: DataPlaneSinkHarness.region), endpoints: endpoints))
        return copy
    }

    /// Explicit instance ids, for moves and address changes of the same instance.
    func service(_ name: String, port: Int = 80, endpoints: [(id: String, address: String)]) -> Catalog {
        var copy = self
        copy.services.append(
            DiscoveredService(
                key: ServiceKey(name: name, port: port, region: DataPlaneSinkHarness.region),
                endpoints: endpoints.map { Endpoint(instanceID: InstanceID($0.id), instanceName: $0.id, address: $0.address, port: port) }
            )
        )
        return copy
    }

    var catalog: ServiceCatalog { ServiceCatalog(services) }
}

func addresses(_ count: Int, from start: Int = 1) -> [String] {
    (start..<(start + count)).map { "10.0.0.\($0)" }
}
