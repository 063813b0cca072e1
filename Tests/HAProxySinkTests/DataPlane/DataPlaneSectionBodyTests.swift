import Testing

@testable import HAProxySink

/// The body that creates a whole backend section is written from the server states directly (no dictionary
/// per server); it must be the very bytes the section's `JSONValue` form gives, or HAProxy would get another
/// configuration.
@Suite("Data Plane client: whole-section body written from server states")
struct DataPlaneSectionBodyTests {
    /// What the body was before: each server as ``DataPlaneServerFormat/fields(for:)`` in a
    /// ``DataPlaneBackendSection``, written through ``JSONValueWriter``.
    static func viaDictionaries(_ backend: DataPlaneBackend, _ servers: [ServerState]) -> [UInt8] {
        let section = DataPlaneBackendSection(backend: backend, servers: servers.map(DataPlaneServerFormat.server(for:)))
        return JSONValueWriter.bytes(.object(section.fields))
    }

    static func string(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test("a slot list as the planner makes it: same bytes as the dictionaries gave")
    func plannedSlots() {
        let backend = DataPlaneBackend(fields: ["name": "azure-web-80-westeurope", "balance": ["algorithm": "roundrobin"]])
        let servers = (1...3_000).map { index in
            index <= 2_000
                ? ServerState(name: "srv\(index)", address: "10.\(index / 256).\(index % 256).4", port: 80, weight: 100)
                : ServerState(name: "srv\(index)", address: "127.0.0.1", port: 80, maintenance: true, weight: 100)
        }
        let body = DataPlaneClient.sectionBody(backend, servers: servers)
        #expect(Self.string(body) == Self.string(Self.viaDictionaries(backend, servers)))
        #expect(Self.string(body).contains(#""srv10":{"address":"10.0.10.4","check":"enabled","cookie":"srv10","maintenance":"disabled","name":"srv10","port":80,"weight":100}"#))
    }

    @Test("random servers (backup, draining, odd text, repeated names) and backend keys on both sides of servers")
    func randomServers() {
        var generator = SystemRandomNumberGenerator()
        let texts = ["10.0.0.1", "fe80::1", "a\"b\\c", "tab\there", "ünï", "", "\u{1}"]
        for _ in 0..<200 {
            let count = Int.random(in: 0...40, using: &generator)
            let servers = (0..<count).map { _ in
                ServerState(
                    name: "srv\(Int.random(in: 1...30, using: &generator))",
                    address: texts.randomElement(using: &generator)!,
                    port: Int.random(in: 0...65_535, using: &generator),
                    maintenance: Bool.random(using: &generator),
                    draining: Bool.random(using: &generator),
                    weight: Int.random(in: 0...256, using: &generator),
                    backup: Bool.random(using: &generator)
                ).configured
            }
            let backend = DataPlaneBackend(fields: [
                "name": "azure-api-8080-eastus", "mode": "http", "server_timeout": 5_000, "srv": "z",
                "adv_check": ["x": .null, "y": [1, .number(2.5), true]],
            ])
            #expect(
                Self.string(DataPlaneClient.sectionBody(backend, servers: servers))
                    == Self.string(Self.viaDictionaries(backend, servers)),
                "servers: \(servers)"
            )
        }
    }
}
