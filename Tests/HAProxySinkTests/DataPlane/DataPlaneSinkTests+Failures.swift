import DataPlaneTesting
import Foundation
import HAProxySink
import InMemoryLogging
import Logging
import ProviderKit
import Testing

/// The Data Plane sink when the API conflicts, fails or refuses: retries, aborted transactions, failures confined
/// to one service, and error text that is safe to log.
extension DataPlaneSinkTests {
    @Test(arguments: DataPlaneAPIVersion.allCases)
    func conflictOnCommitIsRetriedWithAFreshTransaction(version: DataPlaneAPIVersion) async throws {
        try await withSinkHarness(version) { h in
            h.api.interfereBeforeCommits(1, with: .outOfBandWrite)
            h.api.interfereBeforeCommits(1, with: .competingTransaction)

            let report = try await h.sink.apply(Self.three.catalog, options: ApplyOptions())

            #expect(h.api.counters.commits == 1)
            #expect(report.reloads == 1)
            // v2: two failed attempts (read, 33 staged writes, commit, delete: 38 each), then the 37 of a clean
            // sync. v3: the same with whole sections (3 staged writes), and /info asked once: 9, 8, then 7.
            #expect(report.requests == (version == .v3 ? 9 + 8 + 7 : 38 + 38 + 37))
            // Only the attempt HAProxy accepted is reported.
            #expect(report.serversChanged == 30)
            #expect(report.changes.filter { $0.hasPrefix("created backend") }.count == 3)
            #expect(h.api.undeletedTransactions.isEmpty)
            #expect(h.active("web").count == 3)
            #expect(h.servers("api", port: 8080).count == 10)
            let log = h.api.requestLog
            #expect(log.filter { $0.method == "PUT" && $0.path.contains("/transactions/") }.map(\.status) == [409, 406, 202])
            #expect(log.filter { $0.method == "DELETE" && $0.path.contains("/transactions/") }.count == 2)
        }
    }

    @Test(arguments: DataPlaneAPIVersion.allCases)
    func persistentConflictFailsWithNothingHalfApplied(version: DataPlaneAPIVersion) async throws {
        try await withSinkHarness(version) { h in
            h.api.interfereBeforeCommits(100, with: .outOfBandWrite)

            let error = try await #require(throws: DataPlaneError.self) {
                try await h.sink.apply(Self.three.catalog, options: ApplyOptions())
            }
            #expect(error.code == .retriesExhausted)
            // First attempt and 3 retries, each deleting its transaction (v3: 3 staged writes, /info once).
            #expect(h.api.counters.requests == (version == .v3 ? 9 + 3 * 8 : 4 * 38))
            #expect(error.apiMessage.contains("version mismatch"))
            #expect(h.api.configuration.orderedBackends.isEmpty)
            #expect(h.api.undeletedTransactions.isEmpty)
            #expect(h.api.counters.commits == 0)
            #expect(h.api.requestLog.filter { $0.path.contains("/transactions/") && $0.method == "PUT" }.count == 4)

            // The change was not forgotten: the next cycle applies all of it.
            h.api.clearFaults()
            try await h.sink.apply(Self.three.catalog, options: ApplyOptions())
            #expect(h.active("web").count == 3)
            #expect(h.active("db", port: 5432).count == 1)
        }
    }

    @Test(arguments: DataPlaneAPIVersion.allCases)
    func serverErrorMidTransactionAbortsIt(version: DataPlaneAPIVersion) async throws {
        try await withSinkHarness(version) { h in
            // v3 (3.4) writes each new backend with its servers in one POST to …/backends.
            h.api.inject(
                FakeFault(
                    method: "POST", pathContains: version == .v3 ? "/backends" : "servers", status: 500,
                    message: "cannot write haproxy.cfg: disk full"
                )
            )

            let error = try await #require(throws: DataPlaneError.self) {
                try await h.sink.apply(Self.three.catalog, options: ApplyOptions())
            }
            #expect(error.code == .serverError)
            #expect(error.apiMessage == "cannot write haproxy.cfg: disk full")
            // v2: version, backends, start, the first backend, its first server (fails), delete; v3: version,
            // info, backends, start, the first backend with its servers (fails), delete
            #expect(h.api.counters.requests == 6)
            #expect(h.api.counters.reloads == 0)
            #expect(h.api.undeletedTransactions.isEmpty)
            #expect(h.api.configuration.orderedBackends.isEmpty)

            try await h.sink.apply(Self.three.catalog, options: ApplyOptions())
            #expect(h.active("web").count == 3)
        }
    }

    @Test(arguments: DataPlaneAPIVersion.allCases)
    func abortedTransactionIsLoggedWithTheAPIMessageAndNoSecret(version: DataPlaneAPIVersion) async throws {
        try await withSinkHarness(version) { h in
            let logs = InMemoryLogHandler()
            var logger = Logger(label: "test", factory: { _ in logs })
            logger.logLevel = .trace
            let client = try DataPlaneClient(configuration: h.server.clientConfiguration(), logger: logger)
            let sink = DataPlaneSink(client: client, settings: h.settings, logger: logger)
            h.api.inject(FakeFault(method: "PUT", pathContains: "/transactions/", status: 500, message: "reload failed: haproxy -c exited 1"))

            await #expect(throws: DataPlaneError.self) {
                try await sink.apply(Self.three.catalog, options: ApplyOptions())
            }
            let lines = logs.entries.map { "\($0.message) \($0.metadata)" }
            #expect(lines.contains { $0.contains("aborting transaction") && $0.contains("reload failed: haproxy -c exited 1") })
            #expect(!lines.contains { $0.contains(h.api.password) })
            #expect(h.api.undeletedTransactions.isEmpty)
        }
    }

    @Test(arguments: DataPlaneAPIVersion.allCases)
    func failedRuntimeWriteIsRetriedNextCycle(version: DataPlaneAPIVersion) async throws {
        try await withSinkHarness(version) { h in
            try await h.sink.apply(Self.three.catalog, options: ApplyOptions())
            let joined = Self.services(web: 4)
            h.api.inject(FakeFault(method: "PUT", pathContains: "srv4", status: nil))

            let error = try await #require(throws: DataPlaneError.self) {
                try await h.sink.apply(joined.catalog, options: ApplyOptions())
            }
            #expect(error.code == .transport)
            #expect(h.active("web")["srv4"] == nil)

            try await h.sink.apply(joined.catalog, options: ApplyOptions())
            #expect(h.active("web")["srv4"] == "10.0.0.4:80")
        }
    }

    /// One backend the API refuses (400) breaks only its service: the others are committed in the same apply.
    @Test(arguments: DataPlaneAPIVersion.allCases)
    func aBackendTheAPIRefusesBreaksOnlyItsService(version: DataPlaneAPIVersion) async throws {
        try await withSinkHarness(version) { h in
            let api = DataPlaneSinkHarness.backendName("api", port: 8080)
            // The first backend's creation (api's, the plan is sorted) is refused: its name is only in the body
            // (v3 3.4 creates each backend with its servers in one POST; v2 names the backend of a server in
            // the `backend` query parameter, which faults cannot match).
            h.api.inject(FakeFault(method: "POST", pathContains: "/backends", status: 400, message: "invalid server", times: 1))

            let report = try await h.sink.apply(Self.three.catalog, options: ApplyOptions())
            #expect(report.failures.map(\.target) == [api])
            #expect(report.failures.first?.message.contains("invalid server") == true)
            #expect(h.active("web").count == 3)
            #expect(h.active("db", port: 5432).count == 1)
            #expect(h.api.undeletedTransactions.isEmpty)
        }
    }

    @Test(arguments: DataPlaneAPIVersion.allCases)
    func aRefusedRuntimeWriteBreaksOnlyItsService(version: DataPlaneAPIVersion) async throws {
        try await withSinkHarness(version) { h in
            try await h.sink.apply(Self.three.catalog, options: ApplyOptions())
            let joined = Self.services(web: 4, api: 3)
            // web's new instance goes to srv4; api's to srv3.
            h.api.inject(FakeFault(method: "PUT", pathContains: "srv4", status: 404, message: "no such server"))

            let report = try await h.sink.apply(joined.catalog, options: ApplyOptions())
            #expect(report.failures.map(\.target) == [DataPlaneSinkHarness.backendName("web")])
            #expect(h.active("api", port: 8080).count == 3)
            try await h.sink.apply(joined.catalog, options: ApplyOptions())
            #expect(h.active("web")["srv4"] == "10.0.0.4:80")
        }
    }

    @Test(arguments: DataPlaneAPIVersion.allCases)
    func errorBodiesAreEscapedCappedAndNeverEchoTheAuthorization(version: DataPlaneAPIVersion) async throws {
        try await withSinkHarness(version) { h in
            // A proxy in front of the API echoes the request back, headers included.
            let credentials = Data("\(h.api.username):\(h.api.password)".utf8).base64EncodedString()
            let echoed = "Authorization: Basic \(credentials)\npassword \(h.api.password)\u{1b}[31m "
                + String(repeating: "x", count: 5000)
            h.api.inject(FakeFault(method: "GET", status: 500, message: echoed))
            let error = try await #require(throws: DataPlaneError.self) {
                try await h.sink.apply(Self.three.catalog, options: ApplyOptions())
            }
            #expect(!error.description.contains(h.api.password))
            #expect(!error.description.contains(credentials))
            #expect(!error.description.contains("\n") && !error.description.contains("\u{1b}"))
            #expect(error.description.count < 700)
        }
    }
}
