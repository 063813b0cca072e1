import ProviderKit

/// Cycle reports as the loop makes them, for observer tests without a loop.
enum Reports {
    struct Failure: Error, CustomStringConvertible {
        var description: String { "HAProxy said no" }
    }

    static func grouping(instances: Int = 2) -> GroupingResult {
        let members = (0..<instances).map { index in
            Instance(
                id: InstanceID("vm-\(index)"),
                address: "10.0.0.\(index + 1)",
                region: "westeurope",
                tags: ["HAProxy:Service:Name": "web", "HAProxy:Service:Port": "80"],
                sourceKind: "test"
            )
        }
        return ServiceGrouper().group(members)
    }

    static func applied(cycle: Int) -> CycleReport {
        CycleReport(
            cycle: cycle,
            providers: [ProviderReport(provider: "fake", outcome: .fetched(instanceCount: 2))],
            grouping: grouping(),
            sink: .applied(SinkReport(requests: 3, serversChanged: 2)),
            fullResync: false,
            duration: .milliseconds(5)
        )
    }

    static func sinkFailed(cycle: Int) -> CycleReport {
        CycleReport(
            cycle: cycle,
            providers: [ProviderReport(provider: "fake", outcome: .fetched(instanceCount: 2))],
            grouping: grouping(),
            sink: .failed(Failure()),
            fullResync: false,
            duration: .milliseconds(5)
        )
    }

    static func waitingForProviders(cycle: Int) -> CycleReport {
        CycleReport(
            cycle: cycle,
            providers: [ProviderReport(provider: "fake", outcome: .failed(Failure()))],
            grouping: nil,
            sink: .waitingForProviders,
            fullResync: false,
            duration: .milliseconds(5)
        )
    }

    static func status(failures: Int, interval: Duration = .seconds(30)) -> LoopStatus {
        LoopStatus(
            consecutiveFailedCycles: failures,
            nextDelay: failures == 0 ? interval : .seconds(5),
            interval: interval
        )
    }
}
