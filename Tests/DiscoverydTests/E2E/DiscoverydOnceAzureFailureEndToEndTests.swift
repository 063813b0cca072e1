import AzureProviderTesting
import DataPlaneTesting
import DiscoverydTesting
import Foundation
import HAProxySink
import Synchronization
import Testing

extension DiscoverydOnceAzureEndToEndTests {
    /// Azure answers HTTP 500 after a good run, while a machine was deallocated meanwhile: `--once` exits 1 and
    /// the Data Plane API sees no write (the deallocated machine's server stays until Azure answers again).
    @Test func onceExitsOneAndWritesNothingWhenAzureAnswers500() async throws {
        let binary = try #require(DiscoverydExecutable.locate(), "the discoveryd executable is built with the tests")
        let fleet = FakeFleet.standard(standalone: 3, uniform: 0, perScaleSet: 0, flexibleMembers: 0)
        try await Self.withAzureAndDataPlane(fleet) { azure, api, config, environment in
            let good = try await binary.run(["--once", "-c", config.path], environment: environment)
            #expect(good.status == 0, "stderr: \(good.stderr)")
            let afterGood = api.counters
            let version = api.version
            #expect(afterGood.writes > 0)

            azure.state.withLock { state in
                state.fleet.machines[0].powerState = "deallocated"
                state.failures[.networkInterfaces] = (page: 0, status: 500)
            }
            let failed = try await binary.run(["--once", "-c", config.path], environment: environment)
            #expect(failed.status == 1)
            #expect(failed.stderr.contains("500"), "stderr: \(failed.stderr)")
            #expect((api.counters - afterGood).writes == 0, "nothing written to HAProxy")
            #expect(api.version == version)
        }
    }
}
