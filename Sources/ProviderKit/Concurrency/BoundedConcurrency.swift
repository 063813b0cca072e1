/// Runs `jobs` concurrently, for a provider's fan-out (a page per group, a chunk of ids per request)
/// without flooding the cloud API.
///
/// ## Contract
/// - At most `limit` jobs run at once (at least one, whatever `limit` says); a new one starts as soon as
///   one finishes.
/// - The results come back in the order of `jobs`, not the order the jobs finished in.
/// - The first job to throw cancels the others (running ones see `Task.isCancelled`; the rest never start)
///   and its error is thrown. Cancelling the caller cancels every job.
public func runBounded<T: Sendable>(
    limit: Int,
    _ jobs: [@Sendable () async throws -> T]
) async throws -> [T] {
    try await withThrowingTaskGroup(of: (Int, T).self) { group in
        var results = [T?](repeating: nil, count: jobs.count)
        var next = 0
        func startNext() {
            guard next < jobs.count else { return }
            let index = next
            let job = jobs[index]
            group.addTask { (index, try await job()) }
            next += 1
        }
        for _ in 0..<max(1, limit) { startNext() }
        // Leaving the group by a throw cancels the jobs still running.
        while let (index, result) = try await group.next() {
            results[index] = result
            startNext()
        }
        return results.map { $0! }
    }
}
