import Foundation
import HAProxySink
import HAProxyTesting
import ProviderKit
import Testing

/// The Runtime API sink against a real HAProxy (2.6+) with real HTTP servers behind it.
@Suite(
    "Runtime API sink against a real HAProxy",
    .enabled(if: HAProxyProcess.isInstalled, "haproxy is not installed (apt-get install haproxy); .ci/run installs it"),
    .serialized
)
struct RealHAProxyRuntimeSinkTests {
    static let key = ServiceKey(name: "web", port: 8080, region: "e2e")
    static let backend = "azure-web-8080-e2e"

    static func catalog(_ servers: [NameHTTPServer], renamed: [String: String] = [:]) -> ServiceCatalog {
        ServiceCatalog([
            DiscoveredService(
                key: key,
                endpoints: servers.map {
                    let id = renamed[$0.name] ?? $0.name
                    return Endpoint(instanceID: InstanceID(id), instanceName: id, address: $0.host, port: $0.port)
                }
            )
        ])
    }

    @Test func trafficFollowsEveryChangeWithoutAReloadAndARestartIsRepaired() async throws {
        try await withRealHAProxy(
            backends: [.init(Self.backend, slots: 10)],
            servers: NameHTTPServer.numbered("web", 1...12, firstHost: 11)
        ) { lab in
            let haproxy = lab.haproxy
            let sink = RuntimeAPISink(client: haproxy.runtime)
            let probe = lab.probe
            let web = lab.servers
            let names = { (range: ClosedRange<Int>) in Set(range.map { "web-\($0)" }) }
            let started = try await haproxy.info()

            try await sink.apply(Self.catalog(Array(web[0..<10])), options: ApplyOptions(fullResync: true))
            #expect(try await probe.responders(30) == names(1...10))

            // Ten slots declared: the eleventh instance needs `add server`; no other slot moves.
            let addressesBefore = try await Self.slotAddresses(haproxy)
            try await sink.apply(Self.catalog(Array(web[0..<11])), options: ApplyOptions())
            #expect(try await probe.responders(33) == names(1...11))
            let addressesAfter = try await Self.slotAddresses(haproxy)
            #expect(addressesAfter.filter { $0.key != "srv11" } == addressesBefore)
            #expect(addressesAfter["srv11"] == "127.0.0.21:\(web[10].port)")

            // Removed: no new request reaches it.
            var current = Array(web[0..<11])
            current.remove(at: 1)
            try await sink.apply(Self.catalog(current), options: ApplyOptions())
            let removedCount = web[1].requests
            #expect(try await probe.responders(30) == names(1...11).subtracting(["web-2"]))
            #expect(web[1].requests == removedCount)

            // web-3's machine now answers at web-12's address: the same slot is re-addressed.
            let web3Slot = try #require(addressesBefore.first { $0.value == "127.0.0.13:\(web[2].port)" }?.key)
            current[1] = web[11]
            try await sink.apply(Self.catalog(current, renamed: ["web-12": "web-3"]), options: ApplyOptions())
            let expected = names(1...12).subtracting(["web-2", "web-3"])
            #expect(try await probe.responders(30) == expected)
            let readdressed = try await Self.slotAddresses(haproxy)
            #expect(readdressed[web3Slot] == "127.0.0.22:\(web[11].port)")
            #expect(readdressed.filter { $0.key != web3Slot } == addressesAfter.filter {
                $0.value != "127.0.0.12:\(web[1].port)" && $0.key != web3Slot
            })

            let unchanged = try await haproxy.info()
            #expect(unchanged.pid == started.pid, "no reload: the same HAProxy process serves")
            #expect(unchanged.uptimeSeconds >= started.uptimeSeconds)

            // A restart forgets every runtime change; the next apply repairs it, srv11 included.
            try await haproxy.restart()
            #expect(try await probe.responders(4) == ["HTTP 503"])
            try await sink.apply(Self.catalog(current, renamed: ["web-12": "web-3"]), options: ApplyOptions())
            #expect(try await probe.responders(30) == expected)
            #expect(try await Self.slotAddresses(haproxy) == readdressed)
        }
    }

    static func slotAddresses(_ haproxy: HAProxyProcess) async throws -> [String: String] {
        try await haproxy.activeSlots(backend: backend)
    }
}
