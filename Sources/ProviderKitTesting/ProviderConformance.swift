import ProviderKit

/// Checks that a ``Provider`` keeps the contract the discovery loop relies on.
///
/// Call it from your provider's tests with the provider set up against its test fixture:
///
/// ```swift
/// @Test func conformsToProviderContract() async throws {
///     let provider = StaticFileProvider(path: fixturePath, logger: Logger(label: "test"))
///     try await ProviderConformance(
///         provider: provider,
///         expected: [Instance(id: "web-1", address: "10.0.0.4", region: "westeurope", sourceKind: "static")],
///         injectFailure: { try corruptFixture() }   // optional: make the next fetch fail
///     ).run()
/// }
/// ```
///
/// `Examples/HostsFileProvider` runs it the same way (`Tests/ExampleProviderTests`).
///
/// ``run()`` checks, and throws a ``ProviderConformanceError`` listing every violation:
/// - the name is non-empty, has no surrounding whitespace and does not change between reads;
/// - a fetch succeeds, and every instance has a unique non-empty id, a non-empty name, region and source
///   kind, and addresses (private and public, when present) that are IPv4 or IPv6 literals;
/// - repeated fetches with nothing changed return the same instances (in any order);
/// - if `expected` is given, the fetch returns exactly those instances (in any order);
/// - if `injectFailure` is given, the fetch after it throws instead of returning a list, in particular
///   not an empty one (the loop would retire every service).
///
/// The failure check runs last, so `injectFailure` need not be undone.
public struct ProviderConformance: Sendable {
    public var provider: any Provider
    public var expected: [Instance]?
    public var injectFailure: (@Sendable () async throws -> Void)?
    /// How many fetches the stability check compares.
    public var repeatedFetches: Int

    public init(
        provider: any Provider,
        expected: [Instance]? = nil,
        repeatedFetches: Int = 3,
        injectFailure: (@Sendable () async throws -> Void)? = nil
    ) {
        self.provider = provider
        self.expected = expected
        self.repeatedFetches = max(2, repeatedFetches)
        self.injectFailure = injectFailure
    }

    public func run() async throws {
        var violations: [String] = []
        let name = provider.name
        checkName(name, into: &violations)

        let first: [Instance]
        do {
            first = try await provider.fetchInstances()
        } catch {
            violations.append("fetchInstances() threw \(error) on a working setup")
            throw ProviderConformanceError(provider: name, violations: violations)
        }
        checkInstances(first, into: &violations)

        for attempt in 2...repeatedFetches {
            do {
                let again = try await provider.fetchInstances()
                if Self.sortedByID(again) != Self.sortedByID(first) {
                    violations.append(
                        "fetch #\(attempt) returned different instances although nothing changed: "
                            + Self.difference(expected: first, actual: again)
                    )
                    break
                }
            } catch {
                violations.append("fetch #\(attempt) threw \(error) although nothing changed")
                break
            }
        }

        if let expected, Self.sortedByID(expected) != Self.sortedByID(first) {
            violations.append("fetch did not return the expected instances: " + Self.difference(expected: expected, actual: first))
        }

        if let injectFailure {
            do {
                try await injectFailure()
                let instances = try await provider.fetchInstances()
                violations.append(
                    "fetch after an injected failure returned \(instances.count) instance(s) instead of throwing; "
                        + "a provider that cannot list must throw so the last good state stands"
                )
            } catch {
                // Throwing is the contract.
            }
        }

        if name != provider.name {
            violations.append("name changed from \"\(name)\" to \"\(provider.name)\"; it keys the last good snapshot")
        }
        if !violations.isEmpty {
            throw ProviderConformanceError(provider: name, violations: violations)
        }
    }

    private func checkName(_ name: String, into violations: inout [String]) {
        if name.isEmpty {
            violations.append("name is empty")
        } else if name.first!.isWhitespace || name.last!.isWhitespace {
            violations.append("name \"\(name)\" has leading or trailing whitespace")
        }
    }

    private func checkInstances(_ instances: [Instance], into violations: inout [String]) {
        var seen: Set<InstanceID> = []
        for instance in instances {
            let label = "instance \"\(instance.id)\""
            if instance.id.rawValue.isEmpty { violations.append("an instance (name \"\(instance.name)\") has an empty id") }
            if !seen.insert(instance.id).inserted { violations.append("\(label) is reported more than once") }
            if instance.name.isEmpty { violations.append("\(label) has an empty name") }
            if instance.region.isEmpty { violations.append("\(label) has an empty region") }
            if instance.sourceKind.isEmpty { violations.append("\(label) has an empty source kind") }
            if !instance.address.isEmpty, !IPAddressLiteral.isValid(instance.address) {
                violations.append("\(label) has address \"\(instance.address)\", which is not an IPv4 or IPv6 literal")
            }
            if let publicAddress = instance.publicAddress, !IPAddressLiteral.isValid(publicAddress) {
                violations.append("\(label) has public address \"\(publicAddress)\", which is not an IPv4 or IPv6 literal")
            }
        }
    }

    private static func sortedByID(_ instances: [Instance]) -> [Instance] {
        instances.sorted { $0.id < $1.id }
    }

    private static func difference(expected: [Instance], actual: [Instance]) -> String {
        let expectedByID = Dictionary(expected.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let actualByID = Dictionary(actual.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var parts: [String] = []
        let missing = expectedByID.keys.filter { actualByID[$0] == nil }.sorted()
        let unexpected = actualByID.keys.filter { expectedByID[$0] == nil }.sorted()
        let changed = expectedByID.keys.filter { id in actualByID[id].map { $0 != expectedByID[id] } ?? false }.sorted()
        if !missing.isEmpty { parts.append("missing \(missing)") }
        if !unexpected.isEmpty { parts.append("unexpected \(unexpected)") }
        for id in changed { parts.append("\(id) differs: expected \(expectedByID[id]!), got \(actualByID[id]!)") }
        if parts.isEmpty { parts.append("same ids, but \(expected.count) vs \(actual.count) entries") }
        return parts.joined(separator: "; ")
    }
}

/// The contract violations ``ProviderConformance`` found.
public struct ProviderConformanceError: Error, Hashable, Sendable, CustomStringConvertible {
    public var provider: String
    public var violations: [String]

    public var description: String {
        "provider \"\(provider)\" violates the Provider contract:\n" + violations.map { "  - \($0)" }.joined(separator: "\n")
    }
}
