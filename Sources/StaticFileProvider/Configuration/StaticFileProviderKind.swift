import Logging
import ProviderKit

/// `static:` — one ``StaticFileProvider`` per file; the section is one mapping or a list of them.
public enum StaticFileProviderKind: ProviderKind {
    public static let key = "static"
    public static let example = "path: instances.yaml"

    /// Every `static` entry, in the order written.
    public struct Section: Hashable, Sendable, Decodable {
        public var files: [StaticSection]

        public init(files: [StaticSection]) {
            self.files = files
        }

        public init(from decoder: any Decoder) throws {
            self.files = try OneOrMany<StaticSection>(from: decoder).elements
        }
    }

    public static func isConfigured(_ section: Section) -> Bool { !section.files.isEmpty }

    public static func makeProviders(from section: Section, context: WiringContext) throws -> [any Provider] {
        section.files.map { StaticFileProvider(path: $0.resolvedPath, logger: context.logger(for: "static")) }
    }

    /// Loads each file as a cycle would: a missing file or a typo inside fails here, naming file and line.
    public static func checkLocally(_ section: Section) async -> [LocalCheck] {
        var checks: [LocalCheck] = []
        for file in section.files {
            let subject = "static file \(file.resolvedPath)"
            do {
                let instances = try await StaticFileProvider(
                    path: file.resolvedPath,
                    logger: Logger(label: "discoveryd.validate") { _ in SwiftLogNoOpLogHandler() }
                ).fetchInstances()
                checks.append(LocalCheck(subject, .passed, "\(instances.count) instance\(instances.count == 1 ? "" : "s")"))
            } catch let error as StaticFileError where error.file == file.resolvedPath {
                // The subject names the file already.
                checks.append(LocalCheck(subject, .failed, error.descriptionWithoutFile))
            } catch {
                checks.append(LocalCheck(subject, .failed, "\(error)"))
            }
        }
        return checks
    }

    public static func summary(of section: Section) -> String {
        "\(section.files.count) static file\(section.files.count == 1 ? "" : "s")"
    }
}
