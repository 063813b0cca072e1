/// Runs `jobs` with at most `limit` in flight and returns their results in the jobs' order.
/// The first failure cancels the rest and is rethrown.
func runBounded<T: Sendable>(
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
        while let (index, result) = try await group.next() {
            results[index] = result
            startNext()
        }
        return results.map { $0! }
    }
}
