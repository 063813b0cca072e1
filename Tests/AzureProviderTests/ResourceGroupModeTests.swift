import HTTPSupport
import AsyncHTTPClient
import AzureProviderTesting
import Foundation
import Logging
import ProviderKit
import Synchronization
import Testing

@testable import AzureProvider

/// `azure.resource_groups` set: Reader on those groups is enough — no subscription-scope ARM request,
/// no request per VM, power states from Resource Graph.
@Suite struct ResourceGroupModeTests {
    /// The standard fleet, with the identity holding Reader on its three web groups only.
    static func groupScopedFake(_ fleet: FakeFleet) -> FakeAzure {
        let fake = FakeAzure(fleet: fleet)
        fake.state.withLock { $0.readableResourceGroups = ["rg-vms", "rg-vmss", "rg-flex"] }
        return fake
    }

    static func provider(_ fake: FakeAzure, groups: [String], address: AzureProviderConfiguration.AddressPreference = .private, logger: Logger = Logger(label: "test"), sleeper: RecordingSleeper = RecordingSleeper()) throws -> AzureProvider {
        try #require(
            try AzureProvider.make(
                fake.configuration(address: address, resourceGroups: groups, sleeper: sleeper),
                transport: AsyncHTTPTransport(client: .shared), logger: logger
            ).first
        )
    }

    /// Paths of ARM list requests made at subscription scope (`/subscriptions/{s}/providers/...`).
    static func subscriptionScopeRequests(_ fake: FakeAzure) -> [String] {
        fake.requests.map(\.path).filter {
            let parts = $0.lowercased().split(separator: "/")
            return parts.count > 2 && parts[0] == "subscriptions" && parts[2] == "providers"
        }
    }

    @Test func readerOnTheListedGroupsIsEnough() async throws {
        var fleet = FakeFleet.standard(standalone: 30, uniform: 2, perScaleSet: 5, flexibleMembers: 4)
        fleet.machines[0].powerState = "deallocated"
        try await FakeAzure.with(fake: Self.groupScopedFake(fleet)) { fake in
            // Spelled differently from ARM's names: group names match ignoring case.
            let provider = try Self.provider(fake, groups: ["RG-VMS", "rg-VMSS", "rg-flex", "rg-vms"])
            let instances = try await provider.fetchInstances()
            #expect(instances.count == 30 + 10 + 4)
            #expect(instances.filter { $0.state == .running }.count == 43)
            #expect(instances.first { $0.name == "vm-0" }?.state == .deallocated)
            #expect(instances.allSatisfy { !$0.address.isEmpty })
            #expect(Self.subscriptionScopeRequests(fake).isEmpty)
            #expect(fake.count(.resourceGraph) == 1)
            #expect(fake.count(.virtualMachineInstanceView) == 0)
            #expect(fake.count(.networkInterface) == 0)
            // The group listed twice (in two spellings) is read once: 3 groups × 3 lists + 1 query + 2 × 2.
            #expect(fake.armRequestCount == 3 * 3 + 1 + 2 * 2)

            let query = try #require(fake.requests.first { $0.path.lowercased().hasSuffix("/microsoft.resourcegraph/resources") })
            let body = try #require(try JSONSerialization.jsonObject(with: Data(query.body)) as? [String: Any])
            #expect(body["subscriptions"] as? [String] == [fleet.subscriptionID])
            let options = try #require(body["options"] as? [String: Any])
            #expect(options["resultFormat"] as? String == "objectArray")
            #expect(options["$top"] as? Int == 1000)
        }
    }

    @Test func wholeSubscriptionModeNamesTheScopeAndRoleWhenRefused() async throws {
        try await FakeAzure.with(fake: Self.groupScopedFake(.standard(standalone: 3, uniform: 0, perScaleSet: 0, flexibleMembers: 0))) { fake in
            let error = await #expect(throws: AzureProviderError.self) { try await Self.provider(fake, groups: []).fetchInstances() }
            let message = error?.message ?? ""
            #expect(error?.status == 403)
            #expect(message.contains("AuthorizationFailed"))
            #expect(message.contains("on subscription \(fake.state.withLock { $0.fleet.subscriptionID })"))
            #expect(message.contains("Reader role"))
            #expect(message.contains("azure.resource_groups"))
        }
    }

    @Test func aListedGroupTheIdentityCannotReadIsNamed() async throws {
        try await FakeAzure.with(fake: Self.groupScopedFake(.standard(standalone: 3, uniform: 0, perScaleSet: 0, flexibleMembers: 0))) { fake in
            let error = await #expect(throws: AzureProviderError.self) {
                try await Self.provider(fake, groups: ["rg-vms", "rg-secret"]).fetchInstances()
            }
            #expect(error?.status == 403)
            #expect(error?.message.contains("on resource group rg-secret (subscription") == true)
            #expect(error?.message.contains("Reader role") == true)
        }
    }

    @Test func resourceGraphRefusedFallsBackToInstanceViewsWithOneWarning() async throws {
        var fleet = FakeFleet.standard(standalone: 6, uniform: 1, perScaleSet: 2, flexibleMembers: 2)
        fleet.machines[1].powerState = "stopped"
        let fake = Self.groupScopedFake(fleet)
        fake.state.withLock { $0.resourceGraphDenied = true }
        try await FakeAzure.with(fake: fake) { fake in
            let records = LogRecords()
            let logger = Logger(label: "test") { _ in RecordingLogHandler(records: records) }
            let provider = try Self.provider(fake, groups: ["rg-vms", "rg-vmss", "rg-flex"], logger: logger)
            for _ in 0..<2 {
                let instances = try await provider.fetchInstances()
                #expect(instances.count == 10)
                #expect(instances.first { $0.name == "vm-1" }?.state == .stopped)
                #expect(instances.filter { $0.state == .running }.count == 9)
            }
            // Each cycle asks Resource Graph first, then one instance view per standalone/Flexible VM.
            #expect(fake.count(.resourceGraph) == 2)
            #expect(fake.count(.virtualMachineInstanceView) == 2 * 8)
            #expect(Self.subscriptionScopeRequests(fake).isEmpty)
            let warnings = records.lines.filter { $0.contains("Resource Graph refused") }
            #expect(warnings.count == 1)
            #expect(warnings.first?.contains("one request per VM (8 requests this cycle instead of 1)") == true)

            fake.state.withLock { $0.resourceGraphDenied = false }
            fake.resetCounts()
            _ = try await provider.fetchInstances()
            #expect(fake.count(.virtualMachineInstanceView) == 0)
        }
    }

    @Test func resourceGraphPagesWithSkipTokenAndWaitsOutItsQuota() async throws {
        let fake = Self.groupScopedFake(.standard(standalone: 25, uniform: 0, perScaleSet: 0, flexibleMembers: 0))
        fake.state.withLock {
            $0.resourceGraphPageSize = 10
            // The second page finds the window used up (remaining 0 after it), the third gets a 429 first.
            $0.resourceGraphQuotaRemaining = 2
            $0.resourceGraphQuotaResetsAfter = "00:00:03"
        }
        try await FakeAzure.with(fake: fake) { fake in
            let sleeper = RecordingSleeper()
            let instances = try await Self.provider(fake, groups: ["rg-vms"], sleeper: sleeper).fetchInstances()
            #expect(instances.count == 25)
            #expect(instances.allSatisfy { $0.state == .running })
            // Page 1 (remaining 1), page 2 (remaining 0: wait 3 s), page 3 (429: wait 3 s, then again).
            #expect(fake.count(.resourceGraph) == 4)
            #expect(sleeper.delays == [.seconds(3), .seconds(3)])
            let tokens = fake.requests.filter { $0.path.lowercased().hasSuffix("/resources") }.compactMap { request in
                ((try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any])?["options"] as? [String: Any]
            }.map { $0["$skipToken"] as? String }
            #expect(tokens.first == .some(nil))
            #expect(tokens.dropFirst().allSatisfy { $0 != nil })
        }
    }

    @Test func nicsAndPublicIPsInOtherGroupsAreFetchedByID() async throws {
        var fleet = FakeFleet.standard(standalone: 5, uniform: 0, perScaleSet: 0, flexibleMembers: 0)
        for index in 0..<5 { fleet.machines[index].publicIP = "20.0.0.\(index + 1)" }
        fleet.machines[0].networkInterfaceResourceGroup = "rg-network"
        fleet.machines[1].networkInterfaceResourceGroup = "RG-Network"
        fleet.machines[2].publicIPResourceGroup = "rg-ips"
        let fake = FakeAzure(fleet: fleet)
        fake.state.withLock { $0.readableResourceGroups = ["rg-vms", "rg-network", "rg-ips"] }
        try await FakeAzure.with(fake: fake) { fake in
            let provider = try Self.provider(fake, groups: ["rg-vms"], address: .public)
            let instances = try await provider.fetchInstances()
            #expect(instances.count == 5)
            #expect(instances.map(\.address).sorted() == (1...5).map { "20.0.0.\($0)" })
            // Only the two NICs and the one public IP outside rg-vms are read by id.
            #expect(fake.count(.networkInterface) == 2)
            #expect(fake.count(.publicIPAddress) == 1)
            #expect(fake.armRequestCount == 4 + 1 + 3)
        }
    }

    @Test func anUnreadableNICInAnotherGroupIsNamedWithItsPermission() async throws {
        var fleet = FakeFleet.standard(standalone: 2, uniform: 0, perScaleSet: 0, flexibleMembers: 0)
        fleet.machines[0].networkInterfaceResourceGroup = "rg-network"
        try await FakeAzure.with(fake: Self.groupScopedFake(fleet)) { fake in
            let error = await #expect(throws: AzureProviderError.self) { try await Self.provider(fake, groups: ["rg-vms"]).fetchInstances() }
            let message = error?.message ?? ""
            #expect(error?.status == 403)
            #expect(message.contains("/resourceGroups/rg-network/providers/Microsoft.Network/networkInterfaces/vm-0-nic"))
            #expect(message.contains("Microsoft.Network/networkInterfaces/read"))
            #expect(message.contains("/virtualMachines/vm-0"))
        }
    }

    @Test func resourceGroupNamesAreValidatedBeforeTheyReachAQuery() {
        for name in ["rg'); drop", "a b", "ends.", String(repeating: "a", count: 91), ""] {
            #expect(throws: AzureProviderError.self) {
                try AzureProviderConfiguration(subscriptionIDs: ["s"], resourceGroups: [name]).validate()
            }
        }
        #expect(throws: Never.self) {
            try AzureProviderConfiguration(subscriptionIDs: ["s"], resourceGroups: ["rg_web-1.(prod)", "Ressourcengruppe-ü"]).validate()
        }
    }
}
