import Foundation

/// A fresh directory under the system temp dir, removed when the test is done with it.
struct TemporaryDirectory: ~Copyable {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("StaticFileProviderTests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    func file(_ name: String) -> String {
        (path as NSString).appendingPathComponent(name)
    }

    /// Writes in place (truncate and write), the way `>` in a shell or a plain editor save does.
    @discardableResult
    func write(_ text: String, to name: String) throws -> String {
        let target = file(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: target))
        return target
    }

    /// Writes a sibling file and renames it over `name`, the way atomic-save editors and `mv` do.
    func replaceAtomically(_ name: String, with text: String) throws {
        let staging = file(".\(name).\(UUID().uuidString).tmp")
        try Data(text.utf8).write(to: URL(fileURLWithPath: staging))
        guard rename(staging, file(name)) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
    }

    /// Points the symlink `name` at `target` by renaming a new link over it, the way Kubernetes swaps ConfigMaps.
    func pointSymlink(_ name: String, at target: String) throws {
        let staging = file(".\(name).\(UUID().uuidString).link")
        try FileManager.default.createSymbolicLink(atPath: staging, withDestinationPath: target)
        guard rename(staging, file(name)) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
    }
}

/// The repository's `Fixtures` directory, found from this source file so tests run from any working directory.
let fixturesDirectory: String = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // Support
    .deletingLastPathComponent()  // StaticFileProviderTests
    .deletingLastPathComponent()  // Tests
    .deletingLastPathComponent()  // repository root
    .appendingPathComponent("Fixtures").path
