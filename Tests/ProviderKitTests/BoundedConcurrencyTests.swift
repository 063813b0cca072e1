import ProviderKit
import Synchronization
import Testing

@Suite("Bounded concurrency")
struct BoundedConcurrencyTests {
    /// How many jobs run at once, and the most there ever were.
    final class InFlight: Sendable {
        private let counts = Mutex((now: 0, most: 0))
        var most: Int { counts.withLock { $0.most } }
        func enter() { counts.withLock { $0.now += 1; $0.most = max($0.most, $0.now) } }
        func leave() { counts.withLock { $0.now -= 1 } }
    }

    struct JobFailed: Error, Equatable { var index: Int }

    @Test("no more than the limit run at once, and results keep the jobs' order")
    func limitAndOrder() async throws {
        let inFlight = InFlight()
        let jobs: [@Sendable () async throws -> Int] = (0..<12).map { index in
            {
                inFlight.enter()
                defer { inFlight.leave() }
                // Later jobs finish first, so completion order differs from input order.
                try await Task.sleep(for: .milliseconds(5 * (12 - index)))
                return index * 10
            }
        }
        let results = try await runBounded(limit: 3, jobs)
        #expect(results == (0..<12).map { $0 * 10 })
        #expect(inFlight.most <= 3)
        #expect(inFlight.most >= 2, "jobs ran concurrently")
    }

    @Test("the first error is thrown and the jobs not yet started never start")
    func firstErrorCancelsTheRest() async throws {
        let started = Mutex<Set<Int>>([])
        let jobs: [@Sendable () async throws -> Int] = (0..<20).map { index in
            {
                started.withLock { _ = $0.insert(index) }
                if index == 1 { throw JobFailed(index: 1) }
                try await Task.sleep(for: .seconds(30))
                return index
            }
        }
        await #expect(throws: JobFailed(index: 1)) { try await runBounded(limit: 2, jobs) }
        // Job 0 was running and is cancelled out of its sleep; job 1 failed; at most one more began.
        #expect(started.withLock { $0.count } <= 3)
    }

    @Test("a limit below one still runs every job, one at a time")
    func limitBelowOne() async throws {
        let inFlight = InFlight()
        let jobs: [@Sendable () async throws -> Int] = (0..<4).map { index in
            { inFlight.enter(); defer { inFlight.leave() }; await Task.yield(); return index }
        }
        #expect(try await runBounded(limit: 0, jobs) == [0, 1, 2, 3])
        #expect(inFlight.most == 1)
    }
}
