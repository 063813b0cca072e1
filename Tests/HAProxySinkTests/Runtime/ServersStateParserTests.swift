import Foundation
import HAProxySink
import Testing

@Suite("show servers state parsing")
struct ServersStateParserTests {
    /// Captured from HAProxy 2.6.12 (Debian 12) for `server-template srv 3 127.0.0.1:80 disabled check`,
    /// after `set server azure-web-8080/srv1 addr 127.0.0.11 port 8080; ... state ready; ... weight 50`,
    /// plus a `server-template slot 2 127.0.0.1:80 disabled weight 128` without check and a server added
    /// with `add server nocheck/x 127.0.0.15:1 check` that is not enabled yet.
    static let haproxy26Answer = """
        1
        # be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port
        3 azure-web-8080 1 srv1 127.0.0.11 2 4 50 1 0 1 0 2 6 0 0 0 - 8080 - 0 0 - - 0
        3 azure-web-8080 2 srv2 127.0.0.1 0 5 1 1 4 1 0 0 14 0 0 0 - 80 - 0 0 - - 0
        4 nocheck 1 slot1 127.0.0.1 0 5 128 128 3 1 0 0 8 0 0 0 - 80 - 0 0 - - 0
        4 nocheck 3 x 127.0.0.15 0 1 1 1 1 1 0 0 2 0 0 0 - 1 - 0 0 - - 0

        """

    @Test func readsEveryServerOfEveryBackend() throws {
        let servers = try ServersStateParser.parse(Self.haproxy26Answer)
        #expect(servers.map { "\($0.backendName)/\($0.serverName)" } == [
            "azure-web-8080/srv1", "azure-web-8080/srv2", "nocheck/slot1", "nocheck/x",
        ])
        let filled = try #require(servers.first)
        #expect(filled.address == "127.0.0.11")
        #expect(filled.port == 8080)
        #expect(filled.weight == 50)
        #expect(filled.initialWeight == 1)
        #expect(filled.operationalState == .running)
    }

    @Test func tellsMaintenanceFromTheConfiguredDisabledMarker() throws {
        let servers = try ServersStateParser.parse(Self.haproxy26Answer)
        // srv1 left maintenance: HAProxy keeps the "configured disabled" bit (4) but it is in the pool.
        #expect(servers[0].isInMaintenance == false)
        #expect(servers[0].adminFlags.contains(.configuredMaintenance))
        #expect(servers[1].isInMaintenance)
        #expect(servers[3].isInMaintenance, "a server added at runtime starts in maintenance")
    }

    @Test func tellsWhetherAServerHasHealthChecks() throws {
        let servers = try ServersStateParser.parse(Self.haproxy26Answer)
        #expect(servers[0].hasHealthCheck)
        #expect(servers[1].hasHealthCheck)
        #expect(servers[2].hasHealthCheck == false)
        #expect(servers[3].hasHealthCheck)
        #expect(servers[3].checkFlags.contains(.enabled) == false, "add server ... check leaves checks off")
    }

    @Test func findsColumnsByNameWhateverTheirOrderAndExtraColumns() throws {
        let answer = """
            1
            # srv_name be_name future_column be_id srv_id srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight srv_check_state srv_port
            srv7 web x 3 7 10.0.0.7 2 0 128 128 6 443
            """
        let server = try #require(try ServersStateParser.parse(answer).first)
        #expect(server.serverName == "srv7")
        #expect(server.backendName == "web")
        #expect(server.address == "10.0.0.7")
        #expect(server.port == 443)
        #expect(server.weight == 128)
    }

    @Test func anHAProxyWithoutServersIsAnEmptyList() throws {
        let answer = "1\n# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight "
            + "srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health "
            + "srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port\n"
        #expect(try ServersStateParser.parse(answer).isEmpty)
    }

    @Test func anErrorAnswerIsARejectionWithHAProxysMessage() {
        let error = #expect(throws: RuntimeAPIError.self) {
            try ServersStateParser.parse("Can't find backend.\n")
        }
        #expect(error?.code == .commandRejected)
        #expect(error?.description.contains("Can't find backend.") == true)
    }

    @Test func anUnknownFormatVersionIsRefused() {
        let error = #expect(throws: RuntimeAPIError.self) {
            try ServersStateParser.parse("2\n# be_id be_name\n")
        }
        #expect(error?.code == .malformedResponse)
        #expect(error?.description.contains("format version 1") == true)
    }

    @Test func aMissingColumnIsNamed() {
        let error = #expect(throws: RuntimeAPIError.self) {
            try ServersStateParser.parse("1\n# be_id be_name srv_id srv_name srv_addr\n")
        }
        #expect(error?.description.contains("srv_op_state") == true)
    }

    @Test func aTruncatedLineIsRefusedWithItsLineNumber() {
        let truncated = Self.haproxy26Answer.replacingOccurrences(
            of: "4 nocheck 1 slot1 127.0.0.1 0 5 128 128 3 1 0 0 8 0 0 0 - 80 - 0 0 - - 0",
            with: "4 nocheck 1 slot1 127.0.0.1 0 5"
        )
        let error = #expect(throws: RuntimeAPIError.self) { try ServersStateParser.parse(truncated) }
        #expect(error?.description.contains("line 5") == true)
    }

    @Test func backendNamesIncludeBackendsWithoutServers() throws {
        let names = try ServersStateParser.parseBackendNames("# name\nazure-web-8080\nnocheck\nempty\n")
        #expect(names == ["azure-web-8080", "nocheck", "empty"])
    }
}
