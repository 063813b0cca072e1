import HAProxySink
import Testing

@Suite("haproxy.runtime_socket values")
struct RuntimeAPIEndpointTests {
    @Test(arguments: [
        ("/run/haproxy/admin.sock", RuntimeAPIEndpoint.unixSocket(path: "/run/haproxy/admin.sock")),
        ("unix:///run/haproxy/admin.sock", .unixSocket(path: "/run/haproxy/admin.sock")),
        ("  /tmp/a.sock ", .unixSocket(path: "/tmp/a.sock")),
        ("tcp://127.0.0.1:9999", .tcp(host: "127.0.0.1", port: 9999)),
        ("tcp://[::1]:9999", .tcp(host: "::1", port: 9999)),
    ])
    func accepted(value: String, expected: RuntimeAPIEndpoint) throws {
        #expect(try RuntimeAPIEndpoint(parsing: value) == expected)
    }

    @Test(arguments: [
        ("", "empty"),
        ("tcp://127.0.0.1", "port is missing"),
        ("tcp://127.0.0.1:http", "'http' is not a port"),
        ("tcp://127.0.0.1:70000", "'70000' is not a port"),
        ("tcp://:9999", "host is missing"),
        ("http://127.0.0.1:5555", "only unix socket paths and tcp://"),
    ])
    func refusedWithTheReasonAndTheAcceptedShapes(value: String, reason: String) {
        let error = #expect(throws: RuntimeAPIError.self) { try RuntimeAPIEndpoint(parsing: value) }
        #expect(error?.code == .invalidEndpoint)
        #expect(error?.description.contains(reason) == true)
        #expect(error?.description.contains("haproxy.runtime_socket") == true)
        #expect(error?.description.contains("tcp://127.0.0.1:9999") == true)
    }

    @Test func describesItselfAsWritten() throws {
        #expect(try RuntimeAPIEndpoint(parsing: "tcp://[::1]:9999").description == "tcp://[::1]:9999")
        #expect(RuntimeAPIEndpoint.tcp(host: "127.0.0.1", port: 9999).configurationHint == "ipv4@127.0.0.1:9999")
    }
}
