@testable import ProviderKit
import Testing

/// The grouper works out what a tag dictionary decides once per shared dictionary (``TagSetIdentity``), as
/// providers share them through ``TagInterner``. Sharing must never change the result.
@Suite("Grouping instances that share tag dictionaries")
struct SharedTagGroupingTests {
    let grouper = ServiceGrouper()

    @Test("a tag dictionary's identity is its storage: copies share it, a mutated copy or an equal rebuild does not")
    func identityIsStorage() {
        var original = ["HAProxy:Service:Name": "web", "HAProxy:Service:Port": "80"]
        let copy = original
        let rebuilt = Dictionary(uniqueKeysWithValues: original.map { ($0.key, $0.value) })
        #expect(identity(original) == identity(copy))
        #expect(rebuilt == original)
        #expect(identity(rebuilt) != identity(original))
        original["owner"] = "team-a"
        #expect(identity(original) != identity(copy))
    }

    @Test("instances sharing one tag dictionary in two regions form two services, each instance in its own")
    func sharedTagsAcrossRegions() {
        let tags = ["HAProxy:Service:Name": "web", "HAProxy:Service:Port": "80"]
        let instances = (0..<6).map { number in
            Instance(
                id: InstanceID("/rg/vm-\(number)"),
                address: "10.0.0.\(number + 1)",
                region: number % 3 == 0 ? "northeurope" : "westeurope",
                tags: tags,
                sourceKind: "test"
            )
        }
        let result = grouper.group(instances)
        #expect(
            result.catalog.addressesByService == [
                "web:80@northeurope": ["10.0.0.1:80", "10.0.0.4:80"],
                "web:80@westeurope": ["10.0.0.2:80", "10.0.0.3:80", "10.0.0.5:80", "10.0.0.6:80"],
            ]
        )
    }

    @Test("a shared dictionary's skip reason and bad instance port are reported for every instance that has it")
    func sharedVerdictsAreReportedPerInstance() {
        let badPort = ["HAProxy:Service:Name": "web", "HAProxy:Service:Port": "eighty"]
        let badInstancePort = ["HAProxy:Service:Name": "api", "HAProxy:Service:Port": "80", "HAProxy:Instance:Port": "x"]
        let instances = (0..<4).flatMap { number in
            [
                Instance(id: InstanceID("p\(number)"), address: "10.0.1.\(number + 1)", region: "r", tags: badPort, sourceKind: "test"),
                Instance(id: InstanceID("i\(number)"), address: "10.0.2.\(number + 1)", region: "r", tags: badInstancePort, sourceKind: "test"),
            ]
        }
        let result = grouper.group(instances)
        #expect(result.skipped.map(\.instanceID.rawValue).sorted() == ["p0", "p1", "p2", "p3"])
        #expect(result.skipped.allSatisfy { $0.reason == .invalidTag(tag: "HAProxy:Service:Port", value: "eighty") })
        #expect(result.adjusted.map(\.instanceID.rawValue).sorted() == ["i0", "i1", "i2", "i3"])
        #expect(result.catalog.addressesByService["api:80@r"]?.count == 4)
    }

    @Test("grouping with shared tag dictionaries gives exactly the result of grouping with one dictionary each", arguments: 0..<20)
    func sharingChangesNothing(seed: UInt64) {
        // A linear congruential sequence: reproducible per seed, and enough to mix the cases.
        var state = seed &* 0x9E37_79B9_7F4A_7C15 &+ 1
        func pick<Element>(_ choices: [Element]) -> Element {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return choices[Int(state >> 33) % choices.count]
        }
        let tagSets: [[String: String]] = [
            ["HAProxy:Service:Name": "web", "HAProxy:Service:Port": "80"],
            ["haproxy:service:name": " web ", "HAProxy:Service:Port": " 80 ", "env": "prod"],
            ["HAProxy:Service:Name": "api", "HAProxy:Service:Port": "8080", "HAProxy:Instance:Port": "9090"],
            ["HAProxy:Service:Name": "api", "HAProxy:Service:Port": "8080", "HAProxy:Instance:Port": "99999"],
            ["HAProxy:Service:Name": "   ", "HAProxy:Service:Port": "80"],
            ["HAProxy:Service:Name": "db", "HAProxy:Service:Port": "0"],
            ["owner": "nobody"],
            [:],
        ]
        let regions = ["westeurope", "northeurope", "eastus"]
        let addresses = ["10.0.0.1", "10.0.0.2", "fd00::4", "FD00:0::5", "", "host.example", "10.0.0.3"]
        let states: [InstanceState] = [.running, .running, .running, .stopped]
        var shared: [Instance] = []
        for number in 0..<200 {
            shared.append(
                Instance(
                    // Some ids repeat, so duplicates are found too.
                    id: InstanceID("/subscriptions/s/resourcegroups/rg/vm-\(pick(Array(0..<150)))"),
                    address: pick(addresses),
                    region: pick(regions),
                    zone: String(number % 3 + 1),
                    tags: pick(tagSets),
                    state: pick(states),
                    sourceKind: "test"
                )
            )
        }
        let separate = shared.map { instance in
            var instance = instance
            instance.tags = Dictionary(uniqueKeysWithValues: instance.tags.map { ($0.key, $0.value) })
            return instance
        }
        let nonEmpty = separate.filter { !$0.tags.isEmpty }
        #expect(Set(nonEmpty.map { identity($0.tags) }).count == nonEmpty.count)
        #expect(grouper.group(shared) == grouper.group(separate))
    }

    private func identity(_ tags: [String: String]) -> TagSetIdentity? {
        withUnsafePointer(to: tags) { TagSetIdentity(of: $0) }
    }
}
