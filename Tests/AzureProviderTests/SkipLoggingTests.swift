import AsyncHTTPClient
import AzureProviderTesting
import HTTPSupport
import Logging
import ProviderKit
import Synchronization
import Testing

@testable import AzureProvider

/// Machines that cannot be servers are counted and logged at debug with the reason — and no secret
/// ever reaches a log line.
@Suite struct SkipLoggingTests {
    @Test func skippedMachinesAreCountedAndLoggedWithTheirReason() async throws {
        var fleet = FakeFleet.standard(standalone: 5, uniform: 1, perScaleSet: 2, flexibleMembers: 0)
        fleet.machines[0].powerState = "deallocated"
        fleet.machines[1].powerState = "stopped"
        fleet.machines[2].hasNetworkInterface = false
        try await FakeAzure.with(fleet) { fake in
            fake.state.withLock { $0.throttles[.virtualMachines] = (1, [("Retry-After", "1")]) }
            let records = LogRecords()
            var logger = Logger(label: "test") { _ in RecordingLogHandler(records: records) }
            logger.logLevel = .debug
            let configuration = try fake.configuration()
            let provider = try #require(try AzureProvider.make(configuration, transport: AsyncHTTPTransport(client: .shared), logger: logger).first)
            _ = try await provider.fetchInstances()

            // No closures inside the #expect/#require macros here: their expansions' closures can collide
            // with neighbouring ones (seen with Swift 6.3), so the filtering happens outside them.
            let lines = records.lines
            let summaries = lines.filter { $0.hasPrefix("azure: listed instances") }
            let skipped = lines.filter { $0.hasPrefix("azure: instance skipped") }
            let retries = lines.filter { $0.hasPrefix("azure: retrying request") && $0.contains("status=429") }
            let missingNIC = skipped.filter { $0.contains("/virtualmachines/vm-2") && $0.contains("its primary NIC is not in the NIC list") }
            #expect(summaries.count == 1)
            let summary = summaries.first ?? ""
            #expect(summary.contains("instances=7"))
            #expect(summary.contains("servable=4"))
            #expect(summary.contains("skipped=3"))
            #expect(summary.contains("skipped_by_reason=deallocated=1,no NIC=1,stopped=1"))
            #expect(skipped.count == 3)
            #expect(missingNIC.count == 1)
            #expect(retries.count == 1)
            let secret = configuration.clientSecret ?? "unset"
            let leaks = lines.filter { $0.contains(secret) || $0.contains("fake-token-") }
            #expect(leaks.isEmpty)
        }
    }
}

final class LogRecords: Sendable {
    private let stored = Mutex<[String]>([])
    var lines: [String] { stored.withLock { $0 } }
    func append(_ line: String) { stored.withLock { $0.append(line) } }
}

/// Keeps each message with its metadata as `message key=value ...` (keys sorted).
struct RecordingLogHandler: LogHandler {
    let records: LogRecords
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        records.append("\(event.message) \(fields)")
    }
}
