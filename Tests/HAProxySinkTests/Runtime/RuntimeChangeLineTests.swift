import Foundation
import HAProxySink
import InMemoryLogging
import Logging
import ProviderKit
import Testing

/// The Runtime API sink's per-server change lines (logged by the loop at info, one per written server) name the
/// instance each change is for, by name and id, as `discoveryd plan` does.
@Suite("Runtime API sink: change lines name the instance")
struct RuntimeChangeLineTests {
    static let backend = "azure-web-8080-local"

    /// Azure-like instances: the id is the resource id, the name the VM's.
    static func catalog(_ members: [(number: Int, address: String)]) -> ServiceCatalog {
        ServiceCatalog([
            DiscoveredService(
                key: ServiceKey(name: "web", port: 8080, region: "local"),
                endpoints: members.map {
                    Endpoint(
                        instanceID: InstanceID("/vms/shop-\($0.number)"), instanceName: "shop-\($0.number)",
                        address: $0.address, port: 8080
                    )
                }
            )
        ])
    }

    @Test func everyServerChangeLineNamesItsInstanceByNameAndID() async throws {
        try await FakeRuntimeAPIServer.withServer([.init(name: Self.backend, weight: 100)]) { fake in
            // The level the daemon logs at by default: the loop logs these lines at info.
            let logger = Logger(label: "test", factory: { _ in InMemoryLogHandler() })
            let sink = RuntimeAPISink(client: RuntimeAPIClient(endpoint: fake.endpoint), logger: logger)
            let three = [(1, "10.0.0.1"), (2, "10.0.0.2"), (3, "10.0.0.3")]

            let filled = try await sink.apply(Self.catalog(three), options: ApplyOptions(fullResync: true))
            #expect(filled.changes.contains(
                "\(Self.backend)/srv2: srv2 127.0.0.1:80 weight 100 maint -> srv2 10.0.0.2:8080 weight 100, "
                    + "instance shop-2 (id /vms/shop-2)"
            ), "\(filled.changes)")

            let moved = try await sink.apply(Self.catalog([(1, "10.0.0.1"), (2, "10.0.9.2"), (3, "10.0.0.3")]), options: ApplyOptions())
            #expect(moved.changes == [
                "\(Self.backend)/srv2: srv2 10.0.0.2:8080 weight 100 -> srv2 10.0.9.2:8080 weight 100, instance shop-2 (id /vms/shop-2)"
            ])

            // Gone from the catalog, shop-2 is named by its id.
            let left = try await sink.apply(Self.catalog([(1, "10.0.0.1"), (3, "10.0.0.3")]), options: ApplyOptions())
            #expect(left.changes == [
                "\(Self.backend)/srv2: srv2 10.0.9.2:8080 weight 100 -> srv2 127.0.0.1:80 weight 100 maint, "
                    + "instance id /vms/shop-2 left"
            ])

            // A newcomer takes the free slot: the line names it.
            let joined = try await sink.apply(Self.catalog([(1, "10.0.0.1"), (3, "10.0.0.3"), (4, "10.0.0.4")]), options: ApplyOptions())
            #expect(joined.changes == [
                "\(Self.backend)/srv2: srv2 127.0.0.1:80 weight 100 maint -> srv2 10.0.0.4:8080 weight 100, "
                    + "instance shop-4 (id /vms/shop-4)"
            ])
        }
    }
}
