import DataPlaneTesting
import Foundation
import HAProxySink
import InMemoryLogging
import Logging
import ProviderKit
import Testing

/// The Data Plane sink's per-server change lines (logged by the loop at info, one per written server) name the
/// instance each change is for, by name and id, as `discoveryd plan` does.
@Suite("Data Plane sink: change lines name the instance")
struct DataPlaneChangeLineTests {
    static let backend = DataPlaneSinkHarness.backendName("web")

    /// Azure-like instances: the id is the resource id, the name the VM's.
    static func catalog(_ numbers: [Int]) -> ServiceCatalog {
        ServiceCatalog([
            DiscoveredService(
                key: ServiceKey(name: "web", port: 80, region: DataPlaneSinkHarness.region),
                endpoints: numbers.map {
                    Endpoint(instanceID: InstanceID("/vms/shop-\($0)"), instanceName: "shop-\($0)", address: "10.0.0.\($0)", port: 80)
                }
            )
        ])
    }

    static func line(_ report: SinkReport, slot: String) throws -> String {
        try #require(report.changes.first { $0.contains(" \(slot):") || $0.contains(" \(slot) ") }, "\(report.changes)")
    }

    @Test(arguments: DataPlaneAPIVersion.allCases)
    func everyServerChangeLineNamesItsInstanceByNameAndID(version: DataPlaneAPIVersion) async throws {
        try await withFakeDataPlane(version) { _, _, client in
            let time = ManualTime()
            // The level the daemon logs at by default: the loop logs these lines at info.
            let logger = Logger(label: "test", factory: { _ in InMemoryLogHandler() })
            let settings = HAProxySinkSettings(drainPolicy: try DrainPolicy(seconds: 60))
            let sink = DataPlaneSink(client: client, settings: settings, logger: logger, now: { time.now })

            let created = try await sink.apply(Self.catalog([1, 2, 3]), options: ApplyOptions())
            #expect(try Self.line(created, slot: "srv2").hasSuffix("10.0.0.2:80 weight 100, instance shop-2 (id /vms/shop-2)"))
            #expect(created.changes.filter { $0.contains("srv4") }.allSatisfy { !$0.contains("instance") }, "a free slot has none")

            // shop-2 leaves: its slot drains; the line says whose it was (by id: the catalog no longer has its name).
            let leaving = try await sink.apply(Self.catalog([1, 3]), options: ApplyOptions())
            #expect(leaving.changes == [
                "\(Self.backend): update srv2: srv2 10.0.0.2:80 weight 100 -> srv2 10.0.0.2:80 weight 100 drain (draining), "
                    + "instance id /vms/shop-2 left"
            ])

            // The drain ends: the slot is freed, still named for the instance that left.
            time.advance(by: 61)
            let freed = try await sink.apply(Self.catalog([1, 3]), options: ApplyOptions())
            #expect(try Self.line(freed, slot: "srv2").hasSuffix(", instance id /vms/shop-2 left"))

            // shop-4 joins and takes the free slot.
            let joined = try await sink.apply(Self.catalog([1, 3, 4]), options: ApplyOptions())
            #expect(try Self.line(joined, slot: "srv2").hasSuffix("10.0.0.4:80 weight 100 (address, maintenance), instance shop-4 (id /vms/shop-4)"))
        }
    }
}
