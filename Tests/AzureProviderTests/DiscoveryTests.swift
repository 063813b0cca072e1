import AsyncHTTPClient
import AzureProviderTesting
import Foundation
import HTTPSupport
import ProviderKit
import Synchronization
import Testing

@testable import AzureProvider

/// Whole cycles against the fake ARM server over real HTTP.
@Suite struct DiscoveryTests {
    @Test func fleetOf2000MachinesCostsAFixedNumberOfRequests() async throws {
        // 1000 standalone VMs, 10 tagged Uniform scale sets × 100, one Flexible scale set with 20 members,
        // two untagged Uniform scale sets (which must cost nothing).
        let fleet = FakeFleet.standard(standalone: 1000, uniform: 10, perScaleSet: 100, flexibleMembers: 20, untaggedUniform: 2)
        try await FakeAzure.with(fleet) { fake in
            fake.state.withLock { $0.pageSize = 500 }
            let provider = try fake.provider()
            let instances = try await provider.fetchInstances()

            let expectedMachines = 1000 + 10 * 100 + 20
            #expect(instances.count == expectedMachines)
            #expect(instances.filter { $0.sourceKind == "azure-vm" }.count == 1000)
            #expect(instances.filter { $0.sourceKind == "azure-vmss-uniform" }.count == 1000)
            #expect(instances.filter { $0.sourceKind == "azure-vmss-flex" }.count == 20)
            #expect(instances.allSatisfy { $0.state == .running && !$0.address.isEmpty })

            // 4 subscription lists + 2 × 10 tagged Uniform scale sets + extra pages: the VM, status and NIC
            // lists hold 1020 items at 500 a page, so 2 extra pages each.
            let expectedRequests = 4 + 2 * 10 + 3 * 2
            #expect(expectedRequests == 30)
            #expect(fake.armRequestCount == 30)
            #expect(fake.count(.virtualMachines) == 3)
            #expect(fake.count(.virtualMachineStatuses) == 3)
            #expect(fake.count(.networkInterfaces) == 3)
            #expect(fake.count(.scaleSets) == 1)
            #expect(fake.count(.scaleSetInstances) == 10)
            #expect(fake.count(.scaleSetNetworkInterfaces) == 10)
            #expect(fake.count(.publicIPAddresses) == 0)
            #expect(fake.tokenRequestCount == 1)

            let grouped = ServiceGrouper().group(instances)
            #expect(grouped.catalog.endpointCount == 2020)
            #expect(grouped.warnings.isEmpty)

            // The next cycle reuses the token.
            fake.resetCounts()
            _ = try await provider.fetchInstances()
            #expect(fake.armRequestCount == 30)
            #expect(fake.tokenRequestCount == 0)
        }
    }

    @Test func stoppedAndDeallocatedMachinesAreReportedButNotServed() async throws {
        var fleet = FakeFleet.standard(standalone: 4, uniform: 1, perScaleSet: 3, flexibleMembers: 0)
        fleet.machines[1].powerState = "stopped"
        fleet.machines[2].powerState = "deallocated"
        fleet.scaleSets[0].instances[0].powerState = "deallocated"
        try await FakeAzure.with(fleet) { fake in
            let instances = try await fake.provider().fetchInstances()
            let byName = Dictionary(uniqueKeysWithValues: instances.map { ($0.name, $0) })
            #expect(byName["vm-1"]?.state == .stopped)
            #expect(byName["vm-2"]?.state == .deallocated)
            #expect(byName["uniform-0_0"]?.state == .deallocated)

            let catalog = ServiceGrouper().group(instances).catalog
            let served = Set(catalog.services.values.flatMap(\.endpoints).map(\.instanceName))
            #expect(served == ["vm-0", "vm-3", "uniform-0_1", "uniform-0_2"])
        }
    }

    @Test func flexibleMembersComeFromTheVMListWithoutScaleSetCalls() async throws {
        let fleet = FakeFleet.standard(standalone: 0, uniform: 0, perScaleSet: 0, flexibleMembers: 5)
        try await FakeAzure.with(fleet) { fake in
            let instances = try await fake.provider().fetchInstances()
            #expect(instances.count == 5)
            #expect(instances.allSatisfy { $0.sourceKind == "azure-vmss-flex" && $0.state == .running })
            // The Uniform-only operations would answer 409 OperationNotAllowed: never called.
            #expect(fake.count(.scaleSetInstances) == 0)
            #expect(fake.count(.scaleSetNetworkInterfaces) == 0)
            #expect(fake.armRequestCount == 4)
        }
    }

    @Test func instanceTagsOverrideScaleSetTagsAndBadPortsAreSkipped() async throws {
        var fleet = FakeFleet.standard(standalone: 2, uniform: 1, perScaleSet: 3, flexibleMembers: 0)
        // Same tag, other spelling: the instance's value wins.
        fleet.scaleSets[0].instances[1].tags = ["haproxy:service:port": "8080"]
        fleet.scaleSets[0].instances[2].tags = ["HAProxy:Service:Port": "http"]
        fleet.machines[1].tags["HAProxy:Service:Port"] = "70000"
        try await FakeAzure.with(fleet) { fake in
            let instances = try await fake.provider().fetchInstances()
            let overridden = try #require(instances.first { $0.name == "uniform-0_1" })
            #expect(overridden.tags.value(forTag: "HAProxy:Service:Port") == "8080")
            #expect(overridden.tags.count == 2)

            let result = ServiceGrouper().group(instances)
            let keys = Set(result.catalog.services.keys)
            #expect(keys == [
                ServiceKey(name: "web", port: 80, region: "westeurope"),
                ServiceKey(name: "web", port: 8080, region: "westeurope"),
            ])
            let invalid = result.warnings.map(\.instanceName).sorted()
            #expect(invalid == ["uniform-0_2", "vm-1"])
        }
    }

    @Test func untaggedUniformScaleSetsCostNothing() async throws {
        let fleet = FakeFleet.standard(standalone: 3, uniform: 0, perScaleSet: 50, flexibleMembers: 0, untaggedUniform: 5)
        try await FakeAzure.with(fleet) { fake in
            let instances = try await fake.provider().fetchInstances()
            #expect(instances.count == 3)
            #expect(fake.armRequestCount == 4)
        }
    }

    @Test func publicAddressesCostOnePublicIPListPlusOnePerTaggedUniformScaleSet() async throws {
        var fleet = FakeFleet.standard(standalone: 3, uniform: 2, perScaleSet: 2, flexibleMembers: 0)
        fleet.machines[0].publicIP = "20.0.0.1"
        fleet.scaleSets[0].instances[0].publicIP = "20.0.1.1"
        try await FakeAzure.with(fleet) { fake in
            let instances = try await fake.provider(address: .public).fetchInstances()
            let byName = Dictionary(uniqueKeysWithValues: instances.map { ($0.name, $0) })
            #expect(byName["vm-0"]?.address == "20.0.0.1")
            #expect(byName["uniform-0_0"]?.address == "20.0.1.1")
            #expect(byName["vm-1"]?.address == "")
            #expect(fake.count(.publicIPAddresses) == 1)
            #expect(fake.count(.scaleSetPublicIPAddresses) == 2)
            let expectedRequests = 5 + 3 * 2
            #expect(fake.armRequestCount == expectedRequests)
        }
    }

    @Test func prefixFormAddressesAndMissingNICs() async throws {
        var fleet = FakeFleet.standard(standalone: 2, uniform: 0, perScaleSet: 0, flexibleMembers: 0)
        fleet.machines[0].privateIP = "172.20.2.16/28"
        fleet.machines[1].hasNetworkInterface = false
        try await FakeAzure.with(fleet) { fake in
            let instances = try await fake.provider().fetchInstances()
            #expect(instances.first { $0.name == "vm-0" }?.address == "172.20.2.16")
            // Reported (the loop must not think it vanished) but without an address: the grouper warns.
            #expect(instances.first { $0.name == "vm-1" }?.address == "")
            #expect(ServiceGrouper().group(instances).warnings.map(\.reason) == [.noAddress])
        }
    }

    @Test func resourceGroupsScopeTheModelListsAndKeepTheStatusListInBulk() async throws {
        var fleet = FakeFleet.standard(standalone: 3, uniform: 1, perScaleSet: 2, flexibleMembers: 2)
        fleet.machines[0].resourceGroup = "rg-other"
        try await FakeAzure.with(fleet) { fake in
            let instances = try await fake.provider(resourceGroups: ["rg-vms", "rg-vmss"]).fetchInstances()
            #expect(Set(instances.map(\.name)) == ["vm-1", "vm-2", "uniform-0_0", "uniform-0_1"])
            #expect(instances.allSatisfy { $0.state == .running })
            // Per group: VMs, NICs, scale sets; once: status; once per tagged Uniform set: 2.
            let expectedRequests = 2 * 3 + 1 + 2
            #expect(fake.armRequestCount == expectedRequests)
        }
    }

    @Test func severalSubscriptionsAreSeveralProviders() throws {
        var configuration = AzureProviderConfiguration(subscriptionIDs: ["sub-a", "sub-b"], credentialKind: .azureCLI, environment: [:])
        configuration.azureCLIPath = "/nonexistent/az"
        let providers = try AzureProvider.make(configuration, transport: AsyncHTTPTransport(client: .shared))
        #expect(providers.map(\.name) == ["azure:sub-a", "azure:sub-b"])
    }
}

/// HTTPS with certificate verification against a CA given in `azure.ca_file`.
@Suite struct TLSDiscoveryTests {
    @Test func discoversOverHTTPSTrustingTheConfiguredCA() async throws {
        let fleet = FakeFleet.standard(standalone: 2, uniform: 1, perScaleSet: 2, flexibleMembers: 1)
        try await FakeAzure.with(fleet, tls: true) { fake in
            #expect(fake.baseURL.hasPrefix("https://127.0.0.1:"))
            var configuration = try fake.configuration()
            configuration.caFile = TestPKI.certificateAuthorityFile
            let provider = try #require(try AzureProvider.make(configuration).first)
            #expect(try await provider.fetchInstances().count == 5)
        }
    }

    @Test func refusesAServerItCannotVerify() async throws {
        try await FakeAzure.with(tls: true) { fake in
            var configuration = try fake.configuration()
            configuration.retry.maximumRetries = 0
            // async-http-client keeps retrying a failed handshake until the request deadline.
            configuration.requestTimeout = .seconds(2)
            let provider = try #require(try AzureProvider.make(configuration).first)
            let error = await #expect(throws: AzureProviderError.self) { _ = try await provider.fetchInstances() }
            #expect(error?.code == .requestFailed)
            #expect(fake.tokenRequestCount == 0)
        }
    }
}
