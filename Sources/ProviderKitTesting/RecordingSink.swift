import ProviderKit

/// A ``Sink`` that records what it is asked to apply, for tests.
///
/// Every call is recorded in ``attempts``; the ones that succeeded also in ``applied``. Failures are
/// scripted like ``FakeProvider``'s, and applies can be held in flight. The report it returns compares the catalog with the last applied
/// one, so "nothing changed" cycles look like no-ops as they would with a real sink.
public actor RecordingSink: Sink, ServingStateReporting {
    /// One call of ``apply(_:options:)``.
    public struct Apply: Hashable, Sendable {
        public var catalog: ServiceCatalog
        public var options: ApplyOptions
    }

    public nonisolated let name: String

    /// Every call, including those that threw.
    public private(set) var attempts: [Apply] = []
    /// The calls that succeeded.
    public private(set) var applied: [Apply] = []

    private var scriptedFailures: [any Error] = []
    private var serviceFailures: [ServiceFailure] = []
    private var serving: Set<ServingAddress> = []
    private var revisitAfter: Duration?
    private var standingFailure: (any Error)?
    private var attemptWaiters = CountWaiters()
    private let applyGate = AsyncGate(isOpen: true)

    public init(name: String = "recording") {
        self.name = name
    }

    /// The catalog of the last successful apply.
    public var lastCatalog: ServiceCatalog? { applied.last?.catalog }

    /// Makes the next `count` applies throw `error`.
    public func enqueueFailure(_ error: any Error = RecordingSinkError(), count: Int = 1) {
        scriptedFailures.append(contentsOf: repeatElement(error, count: count))
    }

    /// Makes every apply throw `error` (after the scripted failures) until set back to `nil`.
    public func setFailure(_ error: (any Error)?) {
        standingFailure = error
    }

    /// Makes every apply report `failures` (services not applied) until set back to `[]`.
    public func setServiceFailures(_ failures: [ServiceFailure]) {
        serviceFailures = failures
    }

    /// Makes every successful apply ask to be called again within `duration` (``SinkReport/revisitAfter``).
    public func setRevisitAfter(_ duration: Duration?) {
        revisitAfter = duration
    }

    /// What ``servingAddresses()`` reports (the target's live servers before the first apply); empty by default.
    public func setServing(_ addresses: Set<ServingAddress>) {
        serving = addresses
    }

    public func servingAddresses() async throws -> Set<ServingAddress> {
        serving
    }

    /// Holds every apply that starts from now on (after it is recorded in ``attempts``) until
    /// ``releaseApplies()``, to test what happens while an apply is in flight.
    public func holdApplies() {
        applyGate.close()
    }

    /// Lets held and future applies through.
    public func releaseApplies() {
        applyGate.open()
    }

    /// Returns once ``apply(_:options:)`` has been called at least `count` times.
    public func waitForAttempts(atLeast count: Int) async {
        await withCheckedContinuation { attemptWaiters.add(threshold: count, current: attempts.count, continuation: $0) }
    }

    public func apply(_ catalog: ServiceCatalog, options: ApplyOptions) async throws -> SinkReport {
        let call = Apply(catalog: catalog, options: options)
        attempts.append(call)
        attemptWaiters.update(attempts.count)
        try await applyGate.pass()
        if !scriptedFailures.isEmpty { throw scriptedFailures.removeFirst() }
        if let standingFailure { throw standingFailure }

        let changes = Self.changes(from: lastCatalog ?? ServiceCatalog(), to: catalog)
        applied.append(call)
        var report = SinkReport(
            requests: 1, serversChanged: changes.count, changes: changes, failures: serviceFailures,
            revisitAfter: revisitAfter
        )
        report.serversAdded = changes.count { $0.contains(": add ") }
        report.serversFreed = changes.count { $0.contains(": retire ") }
        return report
    }

    /// One line per endpoint added or removed, per service.
    private static func changes(from old: ServiceCatalog, to new: ServiceCatalog) -> [String] {
        var lines: [String] = []
        for key in Set(old.services.keys).union(new.services.keys).sorted() {
            let before = Set(old.services[key]?.endpoints ?? [])
            let after = Set(new.services[key]?.endpoints ?? [])
            for endpoint in after.subtracting(before).sorted(by: { $0.instanceID < $1.instanceID }) {
                lines.append("\(key): add \(endpoint.instanceName) \(endpoint.address):\(endpoint.port)")
            }
            for endpoint in before.subtracting(after).sorted(by: { $0.instanceID < $1.instanceID }) {
                lines.append("\(key): retire \(endpoint.instanceName) \(endpoint.address):\(endpoint.port)")
            }
        }
        return lines
    }
}

/// The error a ``RecordingSink`` throws when a failure is scripted without a specific error.
public struct RecordingSinkError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String = "scripted sink failure") {
        self.message = message
    }

    public var description: String { message }
}
