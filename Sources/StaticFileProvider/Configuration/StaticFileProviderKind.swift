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

    public static func summary(of section: Section) -> String {
        "\(section.files.count) static file\(section.files.count == 1 ? "" : "s")"
    }
}
