import Foundation
import HAProxySink
import ProviderKit
import Testing

@Suite("Runtime API sink against a fake stats socket")
struct RuntimeAPISinkTests {
    static let web = "azure-web-8080-local"
    static let api = "azure-api-9090-local"

    static func catalog(web: [(id: String, address: String)], api: [(id: String, address: String)]? = nil) -> ServiceCatalog {
        var services = [
            DiscoveredService(
                key: ServiceKey(name: "web", port: 8080, region: "local"),
                endpoints: web.map { Endpoint(instanceID: InstanceID($0.id), instanceName: $0.id, address: $0.address, port: 8080) }
            )
        ]
        if let api {
            services.append(
                DiscoveredService(
                    key: ServiceKey(name: "api", port: 9090, region: "local"),
                    endpoints: api.map { Endpoint(instanceID: InstanceID($0.id), instanceName: $0.id, address: $0.address, port: 9090) }
                )
            )
        }
        return ServiceCatalog(services)
    }

    static func webInstances(_ numbers: ClosedRange<Int>) -> [(id: String, address: String)] {
        // Zero-padded so that instance order (by id) is slot order.
        numbers.map { (String(format: "web-%02d", $0), "10.0.0.\($0)") }
    }

    static func slots(_ fake: FakeRuntimeAPIServer, _ backend: String = web) -> [String] {
        (fake.backend(backend)?.servers ?? []).map { server in
            let maintenance = server.admin & 0x01 != 0
            return "\(server.name) \(server.address):\(server.port)\(maintenance ? " maint" : "")"
        }
    }

    static func sink(_ fake: FakeRuntimeAPIServer) -> RuntimeAPISink {
        RuntimeAPISink(client: RuntimeAPIClient(endpoint: fake.endpoint))
    }

    @Test func fillsTheDeclaredSlotsInOrderAndAnIdenticalSecondApplyWritesNothing() async throws {
        try await FakeRuntimeAPIServer.withServer([.init(name: Self.web, weight: 100)]) { fake in
            let sink = Self.sink(fake)
            let catalog = Self.catalog(web: Self.webInstances(1...3))
            let first = try await sink.apply(catalog, options: ApplyOptions(fullResync: true))
            #expect(Array(Self.slots(fake).prefix(4)) == [
                "srv1 10.0.0.1:8080", "srv2 10.0.0.2:8080", "srv3 10.0.0.3:8080", "srv4 127.0.0.1:80 maint",
            ])
            #expect(first.serversChanged == 3)
            #expect(first.reloads == 0)
            // Address then ready, per server; the template's weight already matches.
            #expect(fake.writeCommands.count == 6)

            fake.clearLog()
            let second = try await sink.apply(catalog, options: ApplyOptions())
            #expect(second.isNoOp)
            #expect(fake.writeCommands.isEmpty)
            #expect(fake.connections == 1, "a cycle with nothing to do is one connection that reads the state")
        }
    }

    @Test func aJoiningInstanceTakesAFreeSlotAndNoOtherServerChanges() async throws {
        try await FakeRuntimeAPIServer.withServer([.init(name: Self.web, weight: 100)]) { fake in
            let sink = Self.sink(fake)
            try await sink.apply(Self.catalog(web: Self.webInstances(1...3)), options: ApplyOptions())
            let before = Self.slots(fake)
            fake.clearLog()
            // web-0 sorts before every other instance: it must still not push anyone out of their slot.
            let joined = [("web-0", "10.0.0.100")] + Self.webInstances(1...3)
            let report = try await sink.apply(Self.catalog(web: joined), options: ApplyOptions())
            let after = Self.slots(fake)
            #expect(report.serversChanged == 1)
            #expect(after[3] == "srv4 10.0.0.100:8080")
            #expect(Array(after.prefix(3)) == Array(before.prefix(3)))
            #expect(fake.writeCommands.allSatisfy { $0.contains("/srv4 ") })
        }
    }

    @Test func aLeavingInstanceIsPutInMaintenanceBeforeItsSlotIsReaddressed() async throws {
        try await FakeRuntimeAPIServer.withServer([.init(name: Self.web, weight: 100)]) { fake in
            let sink = Self.sink(fake)
            try await sink.apply(Self.catalog(web: Self.webInstances(1...3)), options: ApplyOptions())
            fake.clearLog()
            try await sink.apply(Self.catalog(web: [("web-01", "10.0.0.1"), ("web-03", "10.0.0.3")]), options: ApplyOptions())
            #expect(Array(Self.slots(fake).prefix(3)) == [
                "srv1 10.0.0.1:8080", "srv2 127.0.0.1:80 maint", "srv3 10.0.0.3:8080",
            ])
            #expect(fake.writeCommands == [
                "set server \(Self.web)/srv2 state maint",
                "set server \(Self.web)/srv2 addr 127.0.0.1 port 80",
            ])
        }
    }

    @Test func aChangedAddressIsRewrittenInTheSameSlot() async throws {
        try await FakeRuntimeAPIServer.withServer([.init(name: Self.web, weight: 100)]) { fake in
            let sink = Self.sink(fake)
            try await sink.apply(Self.catalog(web: Self.webInstances(1...3)), options: ApplyOptions())
            fake.clearLog()
            let moved = [("web-01", "10.0.0.1"), ("web-02", "10.0.9.2"), ("web-03", "10.0.0.3")]
            try await sink.apply(Self.catalog(web: moved), options: ApplyOptions())
            #expect(Self.slots(fake)[1] == "srv2 10.0.9.2:8080")
            #expect(fake.writeCommands == ["set server \(Self.web)/srv2 addr 10.0.9.2 port 8080"])
        }
    }

    @Test func growsBeyondTheDeclaredSlotsWithAddServerAndNeverDeletes() async throws {
        try await FakeRuntimeAPIServer.withServer([.init(name: Self.web, weight: 100)]) { fake in
            let sink = Self.sink(fake)
            try await sink.apply(Self.catalog(web: Self.webInstances(1...12)), options: ApplyOptions())
            let servers = try #require(fake.backend(Self.web)?.servers)
            // Exponential growth from 10: 20 slots, srv11 and srv12 serving, srv13...srv20 free.
            #expect(servers.count == 20)
            #expect(Self.slots(fake)[10] == "srv11 10.0.0.11:8080")
            #expect(Self.slots(fake)[19] == "srv20 127.0.0.1:80 maint")
            let added = try #require(servers.first { $0.name == "srv11" })
            #expect(added.check & 0x06 == 0x06, "the template has check, so the added server checks too")
            #expect(added.weight == 100)
            #expect(fake.writeCommands.contains("add server \(Self.web)/srv11 10.0.0.11:8080 check weight 100"))
            #expect(fake.writeCommands.filter { $0.hasPrefix("add server") }.count == 10)

            fake.clearLog()
            try await sink.apply(Self.catalog(web: Self.webInstances(1...2)), options: ApplyOptions())
            #expect(fake.backend(Self.web)?.servers.count == 20)
            #expect(!fake.commands.contains { $0.hasPrefix("del server") })
            #expect(Self.slots(fake)[10] == "srv11 127.0.0.1:80 maint")
        }
    }

    @Test func aTemplateWithoutCheckGrowsWithoutCheck() async throws {
        try await FakeRuntimeAPIServer.withServer([.init(name: Self.web, check: false, weight: 100)]) { fake in
            try await Self.sink(fake).apply(Self.catalog(web: Self.webInstances(1...11)), options: ApplyOptions())
            #expect(fake.writeCommands.contains("add server \(Self.web)/srv11 10.0.0.11:8080 weight 100"))
            #expect(!fake.writeCommands.contains { $0.hasPrefix("enable health") })
        }
    }

    @Test func aRestartedHAProxyIsRepairedIntoTheSameSlotsIncludingAddedOnes() async throws {
        try await FakeRuntimeAPIServer.withServer([.init(name: Self.web, weight: 100)]) { fake in
            let sink = Self.sink(fake)
            let catalog = Self.catalog(web: Self.webInstances(1...11))
            try await sink.apply(catalog, options: ApplyOptions())
            let before = Self.slots(fake)
            #expect(before.count == 20)

            fake.restart()
            #expect(fake.backend(Self.web)?.servers.count == 10)
            #expect(Self.slots(fake).allSatisfy { $0.hasSuffix("maint") })
            try await sink.apply(catalog, options: ApplyOptions())
            #expect(Self.slots(fake) == before)
        }
    }

    @Test func aFreshSinkAdoptsTheSlotsItFindsByAddress() async throws {
        try await FakeRuntimeAPIServer.withServer([.init(name: Self.web, weight: 100)]) { fake in
            try await Self.sink(fake).apply(Self.catalog(web: Self.webInstances(1...3)), options: ApplyOptions())
            fake.clearLog()
            let report = try await Self.sink(fake).apply(Self.catalog(web: Self.webInstances(1...3)), options: ApplyOptions(fullResync: true))
            #expect(report.isNoOp)
            #expect(fake.writeCommands.isEmpty)
        }
    }

    @Test func driftByAnOperatorIsRepairedOnTheNextApply() async throws {
        try await FakeRuntimeAPIServer.withServer([.init(name: Self.web, weight: 100)]) { fake in
            let sink = Self.sink(fake)
            let catalog = Self.catalog(web: Self.webInstances(1...3))
            try await sink.apply(catalog, options: ApplyOptions())
            fake.mutate(backend: Self.web, server: "srv2") { $0.admin |= 0x01 }
            fake.mutate(backend: Self.web, server: "srv3") { $0.weight = 7 }
            fake.clearLog()
            let report = try await sink.apply(catalog, options: ApplyOptions())
            #expect(report.serversChanged == 2)
            #expect(Set(fake.writeCommands) == [
                "set server \(Self.web)/srv2 state ready",
                "set server \(Self.web)/srv3 weight 100",
            ])
        }
    }

    /// Seen: one missing backend failed every cycle for every service. It is now that service's failure only.
    @Test func aMissingBackendIsAFailureOfItsServiceWithTheConfigurationToAddAndOthersStillConverge() async throws {
        try await FakeRuntimeAPIServer.withServer([.init(name: Self.web, weight: 100)]) { fake in
            let sink = Self.sink(fake)
            let catalog = Self.catalog(web: Self.webInstances(1...2), api: [("api-1", "10.0.1.1")])
            let report = try await sink.apply(catalog, options: ApplyOptions())
            let failure = try #require(report.failures.first)
            #expect(report.failures.map(\.target) == [Self.api])
            #expect(failure.service == ServiceKey(name: "api", port: 9090, region: "local"))
            // One line for the log, with the fix; the configuration to add for commands (`--once`).
            #expect(failure.message == "HAProxy has no such backend, and the Runtime API cannot create backends")
            #expect(failure.fix?.contains("discoveryd plan") == true)
            #expect(!failure.description.contains("\n"))
            #expect(failure.details?.contains("""
                backend \(Self.api)
                    mode http
                    balance roundrobin
                    server-template srv 10 127.0.0.1:80 disabled check weight 100
                """) == true)
            #expect(failure.description.contains("service api:9090@local"))
            #expect(Array(Self.slots(fake).prefix(2)) == ["srv1 10.0.0.1:8080", "srv2 10.0.0.2:8080"])
        }
    }

    @Test func aVanishedServiceHasAllItsServersPutInMaintenanceAndItsBackendKept() async throws {
        try await FakeRuntimeAPIServer.withServer([.init(name: Self.web, weight: 100), .init(name: Self.api, weight: 100)]) { fake in
            let sink = Self.sink(fake)
            try await sink.apply(
                Self.catalog(web: Self.webInstances(1...2), api: [("api-1", "10.0.1.1")]),
                options: ApplyOptions()
            )
            #expect(Self.slots(fake, Self.api)[0] == "srv1 10.0.1.1:9090")
            try await sink.apply(Self.catalog(web: Self.webInstances(1...2)), options: ApplyOptions())
            #expect(Self.slots(fake, Self.api).allSatisfy { $0.hasSuffix("127.0.0.1:80 maint") })
            #expect(Self.slots(fake, Self.api).count == 10)
        }
    }

    @Test func aRejectedCommandIsAFailureOfItsServiceAndTheNextApplyFinishesTheJob() async throws {
        try await FakeRuntimeAPIServer.withServer([.init(name: Self.web, weight: 100)]) { fake in
            let sink = Self.sink(fake)
            let catalog = Self.catalog(web: Self.webInstances(1...3))
            fake.rejectNextCommand(startingWith: "set server \(Self.web)/srv2 state ready")
            let report = try await sink.apply(catalog, options: ApplyOptions())
            #expect(report.failures.map(\.target) == [Self.web])
            #expect(report.failures.first?.message.contains("command 'set server \(Self.web)/srv2 state ready'") == true)
            #expect(Self.slots(fake)[1] == "srv2 10.0.0.2:8080 maint")

            fake.clearLog()
            try await sink.apply(catalog, options: ApplyOptions())
            #expect(fake.writeCommands == ["set server \(Self.web)/srv2 state ready"])
            #expect(Self.slots(fake)[1] == "srv2 10.0.0.2:8080")
        }
    }

    @Test func aServerAddedWhoseHealthChecksWereNotEnabledGetsThemEnabled() async throws {
        try await FakeRuntimeAPIServer.withServer([.init(name: Self.web, weight: 100)]) { fake in
            let sink = Self.sink(fake)
            let catalog = Self.catalog(web: Self.webInstances(1...11))
            try await sink.apply(catalog, options: ApplyOptions())
            fake.mutate(backend: Self.web, server: "srv11") { $0.check &= ~0x04 }
            fake.clearLog()
            try await sink.apply(catalog, options: ApplyOptions())
            #expect(fake.writeCommands == ["enable health \(Self.web)/srv11"])
        }
    }
}

extension RuntimeAPISinkTests {
    /// HAProxy 2.6 takes IPv6 in `set server … addr` and `[addr]:port` in `add server`, and shows the
    /// address back in canonical form; a provider's other spelling must not look like a change every cycle.
    @Test func ipv6AddressesFillAndGrowSlotsAndASecondApplyWritesNothing() async throws {
        try await FakeRuntimeAPIServer.withServer([.init(name: Self.web, weight: 100)]) { fake in
            let sink = Self.sink(fake)
            let instances = (1...11).map { (id: String(format: "web-%02d", $0), address: "fd00::\($0)") }
            let grouped = ServiceGrouper().group(
                instances.map {
                    Instance(
                        id: InstanceID($0.id), address: $0.address.uppercased().replacingOccurrences(of: "::", with: ":0:0::"),
                        region: "local", tags: ["HAProxy:Service:Name": "web", "HAProxy:Service:Port": "8080"],
                        sourceKind: "test"
                    )
                }
            )
            let report = try await sink.apply(grouped.catalog, options: ApplyOptions(fullResync: true))
            #expect(report.failures.isEmpty)
            #expect(Self.slots(fake).first == "srv1 fd00::1:8080")
            #expect(Self.slots(fake).contains("srv11 fd00::11:8080"), "grown with add server [fd00::11]:8080")
            #expect(fake.writeCommands.contains { $0.contains("addr fd00::1 port 8080") })
            fake.clearLog()
            let second = try await sink.apply(grouped.catalog, options: ApplyOptions())
            #expect(second.isNoOp, "the canonical address equals what HAProxy shows back")
            #expect(fake.writeCommands.isEmpty)
        }
    }
}
