import HAProxySink
import Testing

@Suite("Data Plane server and backend bodies")
struct DataPlaneFormatTests {
    @Test func placeholderAndActiveServerDifferOnlyInRuntimeFields() {
        let active = DataPlaneServerFormat.fields(for: ServerState(name: "srv3", address: "10.0.0.3", port: 8080, weight: 100))
        let free = DataPlaneServerFormat.fields(for: .placeholder(name: "srv3"))
        let differing = Set(active.keys).union(free.keys).filter { active[$0] != free[$0] }
        #expect(differing == ["address", "port", "maintenance"])
        #expect(active["check"] == "enabled")
        #expect(active["cookie"] == "srv3")
    }

    @Test func readingBackWhatWasWrittenShowsNoDrift() {
        let written = DataPlaneServerFormat.server(for: ServerState(name: "srv1", address: "fd00::1", port: 443, weight: 30, backup: true))
        #expect(!DataPlaneServerFormat.hasParameterDrift(written))
        #expect(DataPlaneServerFormat.state(of: written) == ServerState(name: "srv1", address: "fd00::1", port: 443, weight: 30, backup: true))

        // HAProxy may render a disabled toggle as absent: not drift.
        var rendered = written
        rendered.fields["backup"] = "enabled"
        rendered.fields["maintenance"] = nil
        #expect(!DataPlaneServerFormat.hasParameterDrift(rendered))
    }

    @Test func handEditedParametersAreDrift() {
        var server = DataPlaneServerFormat.server(for: ServerState(name: "srv1", address: "10.0.0.1", port: 80, weight: 100))
        server.fields["inter"] = 2000
        #expect(DataPlaneServerFormat.hasParameterDrift(server))
        server.fields["inter"] = nil
        server.fields["cookie"] = "web1"
        #expect(DataPlaneServerFormat.hasParameterDrift(server))
    }

    @Test func backendBodyMergesOptionsButKeepsNameAndMarker() {
        let settings = HAProxySinkSettings(balance: "leastconn", mode: .tcp)
        let fields = DataPlaneBackendFormat.fields(
            forBackend: "azure-web-80-westeurope",
            settings: settings,
            options: ["name": .string("hijack"), "mode": .string("http"), "retries": .int(3)]
        )
        #expect(fields["name"] == "azure-web-80-westeurope")
        #expect(fields["mode"] == "http")
        #expect(fields["retries"] == 3)
        #expect(fields["balance"] == ["algorithm": "leastconn"])
        #expect(DataPlaneBackendFormat.isOwned(DataPlaneBackend(fields: fields)))
    }

    static let balances: [(String, JSONValue)] = [
        ("roundrobin", ["algorithm": "roundrobin"]),
        ("hdr(host) use_domain_only", ["algorithm": "hdr", "hdr_name": "host", "hdr_use_domain_only": true]),
        ("url_param id", ["algorithm": "url_param", "url_param": "id"]),
        ("uri whole depth 2", ["algorithm": "uri", "uri_whole": true, "uri_depth": 2]),
        ("random(3)", ["algorithm": "random", "random_draws": 3]),
        ("rdp-cookie(mstshash)", ["algorithm": "rdp-cookie", "rdp_cookie_name": "mstshash"]),
    ]

    @Test(arguments: Self.balances)
    func balanceArgumentsBecomeTheirFields(text: String, expected: JSONValue) {
        #expect(DataPlaneBackendFormat.balance(text) == expected)
    }

    @Test func ownershipNeedsTheMarker() {
        #expect(!DataPlaneBackendFormat.isOwned(DataPlaneBackend(fields: ["name": "azure-web-80-x"])))
        #expect(!DataPlaneBackendFormat.isOwned(DataPlaneBackend(fields: ["name": "azure-web-80-x", "description": "web"])))
        #expect(DataPlaneBackendFormat.isOwned(DataPlaneBackend(fields: ["name": "b", "description": "managed by discoveryd"])))
        // Seen: matched as a substring, this backend was planned as retired and its live servers drained.
        #expect(!DataPlaneBackendFormat.isOwned(DataPlaneBackend(fields: ["name": "b", "description": "legacy pool, NOT managed by discoveryd"])))
        #expect(!DataPlaneBackendFormat.isOwned(DataPlaneBackend(fields: ["name": "b", "description": "x (managed by discoveryd)"])))
        #expect(!DataPlaneBackendFormat.isOwned(DataPlaneBackend(fields: ["name": "b", "description": "managed by discoveryd "])))
        // v3.2+ metadata marker.
        #expect(DataPlaneBackendFormat.isOwned(DataPlaneBackend(fields: ["name": "b", "metadata": ["managed-by": ["value": "discoveryd"]]])))
        #expect(!DataPlaneBackendFormat.isOwned(DataPlaneBackend(fields: ["name": "b", "metadata": ["managed-by": ["value": "someone"]]])))
    }
}
