import Foundation

/// Paths into this repository, found from this source file so tests work from any directory.
enum RepositoryPaths {
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // DiscoverydTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    static func fixture(_ relativePath: String) -> String {
        root.appendingPathComponent("Fixtures").appendingPathComponent(relativePath).path
    }
}
