import DataPlaneTesting
import Foundation
import HAProxySink
import Logging
import Testing

@Suite("Data Plane API client against the fake (v2 and v3)")
struct DataPlaneClientTests {
    static let server: DataPlaneServer = DataPlaneServer(fields: [
        "name": "srv1", "address": "127.0.0.1", "port": 80, "check": "enabled", "maintenance": "enabled",
        "weight": 100, "cookie": "srv1",
    ])

    @Test(arguments: DataPlaneAPIVersion.allCases)
    func readsVersionBackendsAndServersInEachShape(version: DataPlaneAPIVersion) async throws {
        try await withFakeDataPlane(version) { api, _, client in
            let start = try await client.configurationVersion()
            #expect(start == api.version)
            #expect(try await client.backends().isEmpty)
            // A missing backend lists as empty, not as an error.
            #expect(try await client.servers(inBackend: "nope").isEmpty)

            let created = try await client.createBackend(
                DataPlaneBackend(fields: ["name": "web", "mode": "http", "balance": ["algorithm": "roundrobin"]]),
                target: .version(start)
            )
            #expect(created.reloaded)
            #expect(created.reloadID != nil)
            let added = try await client.createServer(Self.server, inBackend: "web", target: .version(start + 1))

            #expect(try await client.backends().map(\.name) == ["web"])
            let servers = try await client.servers(inBackend: "web")
            #expect(servers == [Self.server])
            #expect(try await client.configurationVersion() == start + 2)
            // v3 adds servers through the runtime API; v2.9 always reloads for a POST.
            #expect(added.reloaded == (version == .v2))
            #expect(client.requestCount == api.counters.requests)
            // The wire shapes differ per version.
            let serverPaths = api.requestLog.filter { $0.path.contains("servers") }.map(\.path)
            switch version {
            case .v2: #expect(serverPaths.allSatisfy { $0 == "/v2/services/haproxy/configuration/servers" })
            case .v3: #expect(serverPaths.allSatisfy { $0.hasPrefix("/v3/services/haproxy/configuration/backends/") })
            }
        }
    }

    @Test(arguments: DataPlaneAPIVersion.allCases)
    func runtimeFieldChangesDoNotReloadOtherChangesDo(version: DataPlaneAPIVersion) async throws {
        try await withFakeDataPlane(version) { api, _, client in
            let transaction = try await client.startTransaction(version: api.version)
            try await client.createBackend(DataPlaneBackend(fields: ["name": "web"]), target: .transaction(transaction.id))
            try await client.createServer(Self.server, inBackend: "web", target: .transaction(transaction.id))
            try await client.commitTransaction(id: transaction.id)
            let before = api.counters

            var filled = Self.server
            filled.fields["address"] = "10.0.0.7"
            filled.fields["port"] = 8080
            filled.fields["maintenance"] = "disabled"
            let runtime = try await client.replaceServer(filled, inBackend: "web", target: .version(api.version))
            #expect(!runtime.reloaded)
            #expect(runtime.status == 200)

            var rechecked = filled
            rechecked.fields["check"] = "disabled"
            let reload = try await client.replaceServer(rechecked, inBackend: "web", target: .version(api.version))
            #expect(reload.reloaded)

            let delta = api.counters - before
            #expect(delta.reloads == 1)
            #expect(delta.runtimeChanges == 1)
            #expect(api.servers(in: "web") == [rechecked])
        }
    }

    @Test(arguments: DataPlaneAPIVersion.allCases)
    func staleVersionSurfacesTheAPIMessage(version: DataPlaneAPIVersion) async throws {
        try await withFakeDataPlane(version) { api, _, client in
            let stale = api.version
            api.editOutOfBand { _ in }
            let error = try await #require(throws: DataPlaneError.self) {
                try await client.createBackend(DataPlaneBackend(fields: ["name": "web"]), target: .version(stale))
            }
            #expect(error.code == .versionMismatch)
            #expect(error.status == 409)
            #expect(error.isRetryableConflict)
            #expect(error.apiMessage == "version mismatch: version in configuration file is \(stale + 1), given version is \(stale)")
            #expect(api.backend("web") == nil)
        }
    }

    @Test(arguments: DataPlaneAPIVersion.allCases)
    func outdatedTransactionCannotBeCommitted(version: DataPlaneAPIVersion) async throws {
        try await withFakeDataPlane(version) { api, _, client in
            let first = try await client.startTransaction(version: api.version)
            let second = try await client.startTransaction(version: api.version)
            try await client.createBackend(DataPlaneBackend(fields: ["name": "a"]), target: .transaction(first.id))
            try await client.createBackend(DataPlaneBackend(fields: ["name": "b"]), target: .transaction(second.id))
            try await client.commitTransaction(id: first.id)

            let error = try await #require(throws: DataPlaneError.self) {
                try await client.commitTransaction(id: second.id)
            }
            #expect(error.code == .transactionNotCommittable)
            #expect(error.status == 406)
            try await client.deleteTransaction(id: second.id)
            #expect(api.undeletedTransactions.isEmpty)
            #expect(api.backend("a") != nil)
            #expect(api.backend("b") == nil)
        }
    }

    @Test(arguments: DataPlaneAPIVersion.allCases)
    func rejectedBodiesAndWrongCredentialsAreClearErrors(version: DataPlaneAPIVersion) async throws {
        try await withFakeDataPlane(version) { api, server, client in
            let invalid = try await #require(throws: DataPlaneError.self) {
                try await client.createBackend(
                    DataPlaneBackend(fields: ["name": "web", "no_such_option": true]),
                    target: .version(api.version)
                )
            }
            #expect(invalid.code == .badRequest)
            #expect(invalid.apiMessage.contains("no_such_option"))

            let intruder = try DataPlaneClient(configuration: server.clientConfiguration(password: "wrong"))
            let denied = try await #require(throws: DataPlaneError.self) {
                try await intruder.configurationVersion()
            }
            #expect(denied.code == .unauthorized)
            #expect(!denied.description.contains("wrong"))
            try await intruder.shutdown()
        }
    }

    @Test(arguments: DataPlaneAPIVersion.allCases)
    func serverErrorsAndDroppedConnectionsAreReported(version: DataPlaneAPIVersion) async throws {
        try await withFakeDataPlane(version) { api, server, client in
            api.inject(FakeFault(method: "GET", pathContains: "/version", status: 500, message: "runtime socket is gone"))
            let failure = try await #require(throws: DataPlaneError.self) { try await client.configurationVersion() }
            #expect(failure.code == .serverError)
            #expect(failure.apiMessage == "runtime socket is gone")

            api.inject(FakeFault(pathContains: "/version", status: nil))
            let dropped = try await #require(throws: DataPlaneError.self) { try await client.configurationVersion() }
            #expect(dropped.code == .transport)

            #expect(try await client.configurationVersion() == api.version)
        }
    }

    @Test func refusedConnectionIsATransportError() async throws {
        let api = FakeDataPlaneAPI(apiVersion: .v3)
        let server = try await FakeDataPlaneServer.start(api)
        var configuration = server.clientConfiguration()
        // The pool retries refused connections until the deadline: keep the deadline short.
        configuration.timeout = .milliseconds(200)
        try await server.shutdown()
        let client = try DataPlaneClient(configuration: configuration)
        let error = try await #require(throws: DataPlaneError.self) { try await client.configurationVersion() }
        #expect(error.code == .transport)
        try await client.shutdown()
    }

    @Test func configurationErrorsNameTheKey() throws {
        let badURL = #expect(throws: DataPlaneError.self) {
            try DataPlaneClient(configuration: DataPlaneClientConfiguration(baseURL: "127.0.0.1:5555"))
        }
        #expect(badURL?.code == .invalidConfiguration)
        #expect(badURL?.apiMessage.contains("haproxy.base_url") == true)

        let missingCA = #expect(throws: DataPlaneError.self) {
            try DataPlaneClient(
                configuration: DataPlaneClientConfiguration(baseURL: "https://dp.example:5555", caFile: "/nonexistent/ca.pem")
            )
        }
        #expect(missingCA?.apiMessage.contains("haproxy.ca_file") == true)

        let secret = DataPlaneClientConfiguration(username: "admin", password: "hunter2")
        #expect(!secret.description.contains("hunter2"))
        #expect(DataPlaneAPIVersion(configValue: "2") == .v2)
        #expect(DataPlaneAPIVersion(configValue: "V3") == .v3)
        #expect(DataPlaneAPIVersion(configValue: "4") == nil)
    }
}
