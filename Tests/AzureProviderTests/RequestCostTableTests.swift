import AsyncHTTPClient
import AzureProviderTesting
import Foundation
import Synchronization
import Testing

@testable import AzureProvider

/// Requests per discovery cycle at three fleet sizes, printed as a table (run with
/// `swift test --filter RequestCostTableTests`) and asserted.
@Suite struct RequestCostTableTests {
    struct Row {
        var label: String
        var fleet: FakeFleet
        var taggedUniform: Int
        var expectedRequests: Int
    }

    /// Pages of 1000 items, as ARM's compute list pages are sized for the tests.
    static let pageSize = 1000

    static let rows: [Row] = [
        // 100 VMs + 2 Uniform × 50 + Flexible 10: every list fits one page → 4 + 2 × 2.
        Row(label: "small", fleet: .standard(standalone: 100, uniform: 2, perScaleSet: 50, flexibleMembers: 10), taggedUniform: 2, expectedRequests: 8),
        // 1000 VMs + 10 Uniform × 100 + Flexible 20: VM, status and NIC lists hold 1020 → one extra page each.
        Row(label: "medium", fleet: .standard(standalone: 1000, uniform: 10, perScaleSet: 100, flexibleMembers: 20, untaggedUniform: 5), taggedUniform: 10, expectedRequests: 4 + 20 + 3),
        // 3000 VMs + 20 Uniform × 150 + Flexible 50: 3050 → 3 extra pages each of the three lists.
        Row(label: "large", fleet: .standard(standalone: 3000, uniform: 20, perScaleSet: 150, flexibleMembers: 50, untaggedUniform: 10), taggedUniform: 20, expectedRequests: 4 + 40 + 9),
    ]

    @Test func requestsPerCycleDoNotGrowWithTheFleet() async throws {
        var lines = [
            "| fleet | VMs (incl. Flexible) | Uniform sets (tagged) × instances | machines | ARM requests/cycle | token requests (2 cycles) | Prometheus-style (cold) |",
            "|---|---|---|---|---|---|---|",
        ]
        for row in Self.rows {
            let (requests, tokens, machines) = try await FakeAzure.with(row.fleet) { fake in
                fake.state.withLock { $0.pageSize = Self.pageSize }
                let provider = try fake.provider()
                let machines = try await provider.fetchInstances().count
                let first = fake.armRequestCount
                let firstTokens = fake.tokenRequestCount
                fake.resetCounts()
                _ = try await provider.fetchInstances()
                #expect(fake.armRequestCount == first, "a second cycle costs the same")
                return (first, firstTokens + fake.tokenRequestCount, machines)
            }
            #expect(requests == row.expectedRequests, "\(row.label)")
            #expect(tokens == 1, "\(row.label): one token for both cycles")
            let uniformSets = row.fleet.scaleSets.filter { $0.mode == "Uniform" }
            lines.append(
                "| \(row.label) | \(row.fleet.machines.count) | \(uniformSets.count) (\(row.taggedUniform)) × \(uniformSets.first?.instances.count ?? 0) | \(machines) | \(requests) | \(tokens) | \(row.fleet.prometheusStyleRequestCount) |"
            )
        }
        print("Azure discovery: requests per cycle (page size \(Self.pageSize))\n" + lines.joined(separator: "\n"))
    }

    /// Both modes at two sizes: the whole subscription, and the three web groups with an identity that
    /// holds Reader on those groups only (the fake refuses every subscription-scope request then).
    static let modeRows: [(label: String, fleet: FakeFleet, subscription: Int, groups: Int)] = [
        // Groups: 3 groups × 3 lists + 1 Resource Graph page (110 VMs) + 2 × 2.
        ("small", .standard(standalone: 100, uniform: 2, perScaleSet: 50, flexibleMembers: 10), 8, 9 + 1 + 4),
        // Groups: rg-vms' VM and NIC lists hold 3000 → 2 extra pages each; 3050 VMs → 4 Resource Graph
        // pages; 20 × 2; the untagged sets' group is not listed.
        ("large", .standard(standalone: 3000, uniform: 20, perScaleSet: 150, flexibleMembers: 50, untaggedUniform: 10), 4 + 40 + 9, 9 + 4 + 4 + 40),
    ]

    @Test func requestsPerCycleInBothModes() async throws {
        var lines = [
            "| fleet | machines | whole subscription: ARM requests/cycle | listed groups (Reader on them only): ARM requests/cycle | of which Resource Graph pages |",
            "|---|---|---|---|---|",
        ]
        for row in Self.modeRows {
            let (subscriptionRequests, machines) = try await FakeAzure.with(row.fleet) { fake in
                let count = try await fake.provider().fetchInstances().count
                return (fake.armRequestCount, count)
            }
            let fake = FakeAzure(fleet: row.fleet)
            fake.state.withLock { $0.readableResourceGroups = ["rg-vms", "rg-vmss", "rg-flex"] }
            let (groupRequests, resourceGraphPages) = try await FakeAzure.with(fake: fake) { fake in
                let provider = try fake.provider(resourceGroups: ["rg-vms", "rg-vmss", "rg-flex"])
                _ = try await provider.fetchInstances()
                fake.resetCounts()
                _ = try await provider.fetchInstances()
                #expect(fake.count(.virtualMachineInstanceView) == 0, "\(row.label): no request per VM")
                return (fake.armRequestCount, fake.count(.resourceGraph))
            }
            #expect(subscriptionRequests == row.subscription, "\(row.label), whole subscription")
            #expect(groupRequests == row.groups, "\(row.label), listed groups")
            lines.append("| \(row.label) | \(machines) | \(subscriptionRequests) | \(groupRequests) | \(resourceGraphPages) |")
        }
        print("Azure discovery: requests per cycle in both modes (page size \(Self.pageSize))\n" + lines.joined(separator: "\n"))
    }
}
