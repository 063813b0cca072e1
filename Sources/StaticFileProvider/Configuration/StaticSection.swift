import ProviderKit

/// `static:` — instances read from a YAML or JSON file (see the README for its format).
///
/// The section is a mapping, or a list of mappings for several files. Keys: `path` (required),
/// relative to the configuration file.
public struct StaticSection: Hashable, Sendable, Decodable {
    /// The path as written in the configuration file, for messages and the provider's name.
    public var path: String
    /// ``path`` resolved against the configuration file's directory.
    public var resolvedPath: String

    public init(path: String, resolvedPath: String? = nil) {
        self.path = path
        self.resolvedPath = resolvedPath ?? path
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case path
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.strictContainer(keyedBy: CodingKeys.self)
        guard let path = try container.decodeIfPresent(String.self, forKey: .path), !path.isEmpty else {
            throw ConfigurationError.missingKey(
                ConfigurationKeyPath(container.codingPath + [CodingKeys.path]),
                hint: "set it to the instances file, e.g. path: instances.yaml (relative to this file)"
            )
        }
        self.path = path
        self.resolvedPath = decoder.configurationContext.resolve(path: path)
    }
}
