import ProviderKit

/// Whether the daemon is ready to be relied on, as `/readyz` answers: a pure state machine fed with each
/// cycle and asked at a given instant.
///
/// Not ready until every provider has answered once and an apply succeeded (HAProxy is in step with the
/// clouds); not ready again when the last successful apply is older than ``staleAfterIntervals`` intervals
/// (HAProxy may have drifted from the clouds since).
public struct Readiness: Sendable {
    public static let staleAfterIntervals = 3

    public private(set) var everyProviderAnswered = false
    public private(set) var lastSuccessfulApply: ContinuousClock.Instant?
    public private(set) var interval: Duration?
    /// Why the last cycle failed, for the body of a 503.
    private var lastFailure: String?

    public init() {}

    public mutating func record(_ report: CycleReport, status: LoopStatus, at now: ContinuousClock.Instant) {
        interval = status.interval
        if report.grouping != nil { everyProviderAnswered = true }
        if case .applied = report.sink { lastSuccessfulApply = now }
        lastFailure = Self.failure(in: report)
    }

    /// `nil` when ready, else the reason in one sentence.
    public func notReadyReason(at now: ContinuousClock.Instant) -> String? {
        guard everyProviderAnswered else {
            return "not ready: waiting for every provider to answer once" + (lastFailure.map { " (\($0))" } ?? "")
        }
        guard let lastSuccessfulApply, let interval else {
            return "not ready: no apply to HAProxy has succeeded yet" + (lastFailure.map { " (\($0))" } ?? "")
        }
        let age = lastSuccessfulApply.duration(to: now)
        if age > interval * Self.staleAfterIntervals {
            return "not ready: the last successful apply was \(Int(age.components.seconds)) s ago, more than "
                + "\(Self.staleAfterIntervals) intervals" + (lastFailure.map { " (\($0))" } ?? "")
        }
        return nil
    }

    private static func failure(in report: CycleReport) -> String? {
        if let error = report.sink.error { return "last apply failed: \(error)" }
        let failed = report.providerFailures.map(\.provider)
        if !failed.isEmpty { return "provider failed: \(failed.joined(separator: ", "))" }
        return nil
    }
}
