import DiscoverydOperations
import ProviderKit
import Testing

@Suite("/readyz rules")
struct ReadinessTests {
    let start = ContinuousClock.now

    @Test("Not ready until every provider answered and an apply succeeded")
    func notReadyAtStart() {
        var readiness = Readiness()
        #expect(readiness.notReadyReason(at: start)?.contains("waiting for every provider") == true)

        readiness.record(Reports.waitingForProviders(cycle: 1), status: Reports.status(failures: 1), at: start)
        let waiting = readiness.notReadyReason(at: start)
        #expect(waiting?.contains("waiting for every provider to answer once (provider failed: fake)") == true)

        readiness.record(Reports.sinkFailed(cycle: 2), status: Reports.status(failures: 2), at: start)
        #expect(readiness.notReadyReason(at: start)?.contains("no apply to HAProxy has succeeded yet") == true)
        #expect(readiness.notReadyReason(at: start)?.contains("HAProxy said no") == true)

        readiness.record(Reports.applied(cycle: 3), status: Reports.status(failures: 0), at: start)
        #expect(readiness.notReadyReason(at: start) == nil)
    }

    @Test("Not ready again when the last successful apply is older than three intervals")
    func staleApply() {
        var readiness = Readiness()
        readiness.record(Reports.applied(cycle: 1), status: Reports.status(failures: 0), at: start)
        // Failing applies do not make it unready at once: HAProxy keeps the last good state for a while.
        readiness.record(Reports.sinkFailed(cycle: 2), status: Reports.status(failures: 1), at: start + .seconds(30))
        #expect(readiness.notReadyReason(at: start + .seconds(90)) == nil)
        let stale = readiness.notReadyReason(at: start + .seconds(91))
        #expect(stale?.contains("the last successful apply was 91 s ago, more than 3 intervals") == true)
        #expect(stale?.contains("HAProxy said no") == true)

        readiness.record(Reports.applied(cycle: 3), status: Reports.status(failures: 0), at: start + .seconds(95))
        #expect(readiness.notReadyReason(at: start + .seconds(95)) == nil)
    }
}
