import AzureProviderTesting
import Logging
import ProviderKit
import ProviderKitTesting
import Synchronization
import Testing

@testable import AzureProvider

/// The provider inside ProviderKit's contract checks and discovery loop.
@Suite struct LoopIntegrationTests {
    @Test func keepsTheProviderContract() async throws {
        var fleet = FakeFleet.standard(standalone: 20, uniform: 2, perScaleSet: 5, flexibleMembers: 3)
        fleet.machines[4].powerState = "deallocated"
        try await FakeAzure.with(fleet) { fake in
            fake.state.withLock { $0.pageSize = 7 }
            let provider = try fake.provider()
            try await ProviderConformance(
                provider: provider,
                injectFailure: { fake.state.withLock { $0.failures[.virtualMachineStatuses] = (page: 2, status: 503) } }
            ).run()
        }
    }

    @Test func aFailedCycleLeavesTheLastGoodCatalogApplied() async throws {
        let fleet = FakeFleet.standard(standalone: 10, uniform: 1, perScaleSet: 4, flexibleMembers: 2)
        try await FakeAzure.with(fleet) { fake in
            let sink = RecordingSink()
            let loop = try DiscoveryLoop(
                providers: [try fake.provider()], sink: sink, clock: TestClock(), logger: Logger(label: "test")
            )
            let first = try await loop.runOnce()
            let good = try #require(await sink.lastCatalog)
            #expect(good.endpointCount == 16)
            #expect(first.catalog == good)

            fake.state.withLock { $0.failures[.scaleSetNetworkInterfaces] = (page: 0, status: 500) }
            await #expect(throws: DiscoveryError.self) { _ = try await loop.runOnce() }
            #expect(await sink.lastCatalog == good)
            #expect(await sink.applied.allSatisfy { $0.catalog == good })
        }
    }
}
