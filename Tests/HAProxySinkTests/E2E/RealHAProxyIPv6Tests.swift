#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import HAProxySink
import HAProxyTesting
import ProviderKit
import Testing

/// IPv6 instances through the Runtime API sink and a real HAProxy: `set server … addr ::1`, `add server
/// [::1]:port`, and real traffic to servers listening on ::1.
extension RealHAProxyRuntimeSinkTests {
    /// Whether this machine can listen on the IPv6 loopback (containers often run without IPv6).
    static let hasIPv6Loopback: Bool = {
        #if canImport(Darwin)
        let descriptor = socket(AF_INET6, SOCK_STREAM, 0)
        #else
        let descriptor = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
        #endif
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_addr = in6addr_loopback
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) == 0
            }
        }
    }()

    @Test(.enabled(if: RealHAProxyRuntimeSinkTests.hasIPv6Loopback, "this machine has no IPv6 loopback (::1) to listen on"))
    func ipv6InstancesTakeTrafficInDeclaredAndAddedSlots() async throws {
        // Two declared slots: the third instance needs `add server [::1]:port`.
        try await withRealHAProxy(
            backends: [.init(Self.backend, slots: 2)],
            servers: (1...3).map { (name: "v6-\($0)", host: "::1") }
        ) { lab in
            let haproxy = lab.haproxy
            let sink = RuntimeAPISink(client: haproxy.runtime)
            let probe = lab.probe
            let v6 = lab.servers
            // Through the grouper, as the daemon does: a provider's long spelling of ::1 is canonical.
            let catalog = { (members: ArraySlice<NameHTTPServer>) in
                ServiceGrouper().group(
                    members.map {
                        Instance(
                            id: InstanceID($0.name), address: "0:0:0:0:0:0:0:1", region: "e2e",
                            tags: [
                                "HAProxy:Service:Name": "web", "HAProxy:Service:Port": "8080",
                                "HAProxy:Instance:Port": String($0.port),
                            ],
                            sourceKind: "test"
                        )
                    }
                ).catalog
            }

            let first = try await sink.apply(catalog(v6[0..<2]), options: ApplyOptions(fullResync: true))
            #expect(first.failures.isEmpty, "\(first.failures)")
            #expect(
                try await haproxy.activeSlots(backend: Self.backend)
                    == ["srv1": "::1:\(v6[0].port)", "srv2": "::1:\(v6[1].port)"]
            )
            let reached = try await probe.waitForResponders(["v6-1", "v6-2"], count: 12, timeout: .seconds(20))
            #expect(reached != nil, "traffic through HAProxy did not reach the IPv6 servers")

            let grown = try await sink.apply(catalog(v6[0..<3]), options: ApplyOptions())
            #expect(grown.failures.isEmpty, "\(grown.failures)")
            #expect(try await haproxy.activeSlots(backend: Self.backend)["srv3"] == "::1:\(v6[2].port)")
            let all = try await probe.waitForResponders(["v6-1", "v6-2", "v6-3"], count: 18, timeout: .seconds(20))
            #expect(all != nil, "traffic did not reach the IPv6 server added at runtime")

            let again = try await sink.apply(catalog(v6[0..<3]), options: ApplyOptions())
            #expect(again.serversChanged == 0, "the canonical address is what HAProxy shows back")
        }
    }
}
