/// A source of instances: a cloud API, a file, anything that can list machines.
///
/// The discovery loop calls ``fetchInstances()`` once per cycle and treats the answer as the complete
/// state of the world for this provider.
///
/// ## Contract
/// - **Returning** means "this is everything I can see right now". An empty array is a real answer:
///   every service this provider fed will be retired. Return it only when the source really is empty.
/// - **Throwing** means "I don't know". The loop keeps this provider's last good snapshot, backs off and
///   tries again; nothing is retired because of a failure. Throw on *any* list-level failure (an HTTP
///   error on one page, an unreadable file): never return a partial list as if it were complete.
///   Per-instance defects (one machine without an address) are not failures: report the instance and let
///   the grouper skip it, or leave it out and log why.
/// - Calls are sequential per provider (the loop never overlaps two fetches of the same provider), and
///   must honour task cancellation.
/// - Report every instance in every state; the grouper keeps the running, tagged ones.
///
/// A provider that can tell when its data changed (a watched file, an event stream) also implements
/// ``watchForChanges(_:)`` so the loop refreshes early instead of waiting for the next interval.
public protocol Provider: Sendable {
    /// Unique among the configured providers and stable across restarts (e.g. `azure:0000-1111`,
    /// `static:Fixtures/demo/instances.yaml`). Used in logs and as the key of the last good snapshot.
    var name: String { get }

    /// The complete current set of instances. See the type's contract for what throwing means.
    func fetchInstances() async throws -> [Instance]

    /// Runs for as long as the discovery loop runs and calls `changed` whenever a fresh
    /// ``fetchInstances()`` would return something different. Returns when the task is cancelled.
    ///
    /// The default implementation returns at once: the provider is only polled.
    func watchForChanges(_ changed: @escaping @Sendable () -> Void) async throws
}

extension Provider {
    public func watchForChanges(_ changed: @escaping @Sendable () -> Void) async throws {}
}
