import ProviderKit
import ProviderKitTesting
import Testing

@Suite("Provider conformance suite")
struct ProviderConformanceTests {
    let instances = [
        taggedInstance("vm-1", address: "10.0.0.1"),
        Instance(id: "vm-2", address: "fd00::2", publicAddress: "2001:db8::2", region: "westeurope", sourceKind: "test"),
        Instance(id: "vm-3", address: "", region: "westeurope", state: .deallocated, sourceKind: "test"),
    ]

    @Test("a well-behaved provider passes, including the injected failure check")
    func fakeProviderConforms() async throws {
        let provider = FakeProvider(name: "fake:conformance", instances: instances)
        try await ProviderConformance(provider: provider, expected: instances) {
            await provider.enqueueFailure()
        }.run()
        #expect(await provider.fetchCount == 4)
    }

    @Test("an injectFailure that throws is a setup error, never a pass of the \"fetch must throw\" check")
    func throwingInjectionIsNotAPass() async throws {
        struct SetupFailed: Error {}
        let provider = SwallowingProvider(instances: instances)
        let error = try #require(await #expect(throws: ProviderConformanceError.self) {
            try await ProviderConformance(provider: provider) { throw SetupFailed() }.run()
        })
        #expect(error.violations.count == 1)
        #expect(error.violations.first?.contains("injectFailure threw") == true)
    }

    @Test("a provider that returns an empty list instead of throwing fails the suite")
    func emptyInsteadOfThrowing() async throws {
        let provider = SwallowingProvider(instances: instances)
        let error = try #require(await #expect(throws: ProviderConformanceError.self) {
            try await ProviderConformance(provider: provider) { provider.breakSource() }.run()
        })
        #expect(error.violations.count == 1)
        #expect(error.violations.first?.contains("returned 0 instance(s) instead of throwing") == true)
    }

    @Test("every broken invariant is reported, naming the instance")
    func reportsViolations() async throws {
        let provider = FakeProvider(
            name: " padded ",
            instances: [
                Instance(id: "", address: "10.0.0.1", region: "r", sourceKind: "test"),
                Instance(id: "dup", address: "10.0.0.2", region: "r", sourceKind: "test"),
                Instance(id: "dup", address: "10.0.0.3", region: "r", sourceKind: "test"),
                Instance(id: "host", address: "web.internal", region: "", sourceKind: "test"),
                Instance(id: "v4", address: "10.0.0.256", publicAddress: "[2001:db8::1]", region: "r", sourceKind: ""),
            ]
        )
        let error = try #require(await #expect(throws: ProviderConformanceError.self) {
            try await ProviderConformance(provider: provider).run()
        })
        let expectedFragments = [
            "leading or trailing whitespace",
            "has an empty id",
            "instance \"\" has an empty name",
            "instance \"dup\" is reported more than once",
            "instance \"host\" has address \"web.internal\"",
            "instance \"host\" has an empty region",
            "instance \"v4\" has address \"10.0.0.256\"",
            "instance \"v4\" has public address \"[2001:db8::1]\"",
            "instance \"v4\" has an empty source kind",
        ]
        for fragment in expectedFragments {
            #expect(error.violations.contains { $0.contains(fragment) }, "missing violation: \(fragment)")
        }
        #expect(error.violations.count == expectedFragments.count)
    }

    @Test("unstable results and unexpected instances are reported")
    func unstableAndUnexpected() async throws {
        let provider = FakeProvider(name: "fake", instances: instances)
        await provider.enqueue(.success(instances), .success(Array(instances.dropLast())))
        let error = try #require(await #expect(throws: ProviderConformanceError.self) {
            try await ProviderConformance(provider: provider, expected: Array(instances.prefix(1))).run()
        })
        #expect(error.violations.contains { $0.contains("fetch #2 returned different instances") && $0.contains("vm-3") })
        #expect(error.violations.contains { $0.contains("unexpected [vm-2, vm-3]") })
    }

    @Test("a provider that cannot fetch at all is reported with its error")
    func fetchFails() async throws {
        let provider = FakeProvider(name: "fake")
        await provider.setFailure(FakeProviderError("connection refused"))
        let error = try #require(await #expect(throws: ProviderConformanceError.self) {
            try await ProviderConformance(provider: provider).run()
        })
        #expect(error.violations == ["fetchInstances() threw connection refused on a working setup"])
        #expect("\(error)".contains("provider \"fake\""))
    }
}

/// The classic bug: a provider that turns an error into an empty list.
private final class SwallowingProvider: Provider, Sendable {
    let name = "swallowing"
    private let instances: [Instance]
    private let broken = BrokenFlag()

    init(instances: [Instance]) {
        self.instances = instances
    }

    func breakSource() { broken.set() }

    func fetchInstances() async throws -> [Instance] {
        broken.isSet ? [] : instances
    }
}

import Synchronization

private final class BrokenFlag: Sendable {
    private let value = Atomic(false)
    var isSet: Bool { value.load(ordering: .relaxed) }
    func set() { value.store(true, ordering: .relaxed) }
}
