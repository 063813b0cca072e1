import Foundation

extension Process {
    /// Runs the process to completion and captures both streams, without blocking a concurrency thread.
    ///
    /// Output goes through files, so a chatty child never blocks on a full pipe; the exit is awaited through
    /// `terminationHandler`, because `waitUntilExit()` would hold one of the few cooperative threads for the
    /// child's whole life and starve every other test of the run on a small machine.
    public func runToCompletion() async throws -> DiscoverydExecutable.Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("process-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let (stdoutURL, stderrURL) = try writeOutput(into: directory)
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            terminationHandler = { finished in continuation.resume(returning: finished.terminationStatus) }
            do {
                try run()
            } catch {
                terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        return DiscoverydExecutable.Result(
            status: status,
            stdout: try String(contentsOf: stdoutURL, encoding: .utf8),
            stderr: try String(contentsOf: stderrURL, encoding: .utf8)
        )
    }

    /// Sends the process's stdout and stderr to the files `stdout` and `stderr` in `directory` (made empty),
    /// whose URLs it returns: files, so that a chatty child never blocks on a full pipe.
    @discardableResult
    public func writeOutput(into directory: URL) throws -> (stdout: URL, stderr: URL) {
        let stdoutURL = directory.appendingPathComponent("stdout")
        let stderrURL = directory.appendingPathComponent("stderr")
        try Data().write(to: stdoutURL)
        try Data().write(to: stderrURL)
        standardOutput = try FileHandle(forWritingTo: stdoutURL)
        standardError = try FileHandle(forWritingTo: stderrURL)
        return (stdoutURL, stderrURL)
    }
}
