import Foundation
import ProviderKit
import Yams

/// Reads a configuration file: environment interpolation on the raw text, YAML parsing, strict
/// decoding, and errors located at the file and line of the offending key.
public struct ConfigurationLoader: Sendable {
    /// Source of `${NAME}` values and credential fallbacks; the process environment by default.
    public var environment: [String: String]
    /// The registered kinds, and whether the selected sink's own rules are checked (not for `plan --offline`).
    public var options: DiscoverydConfiguration.DecodingOptions

    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        options: DiscoverydConfiguration.DecodingOptions = .init()
    ) {
        self.environment = environment
        self.options = options
    }

    /// Loads the file at `path`.
    /// - Throws: ``ConfigurationError`` with file, line, key path and the fix.
    public func load(path: String) throws(ConfigurationError) -> DiscoverydConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read as UTF-8 text" : "does not exist"
            throw ConfigurationError(
                code: .unreadableFile,
                message: "configuration file \(reason); pass the right one with -c/--config",
                file: path
            )
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try load(yaml: text, file: path, directory: directory)
    }

    /// Loads configuration text; `file` names it in errors, `directory` anchors relative paths.
    public func load(
        yaml text: String,
        file: String = "config.yaml",
        directory: String = FileManager.default.currentDirectoryPath
    ) throws(ConfigurationError) -> DiscoverydConfiguration {
        let interpolated = try EnvironmentInterpolation(environment: environment).interpolate(text, file: file)

        let root: Node
        do {
            root = try Yams.compose(yaml: interpolated) ?? Node.mapping(Node.Mapping([]))
        } catch let error as YamlError {
            throw Self.describe(error, file: file)
        } catch {
            throw ConfigurationError(code: .invalidYAML, message: "not valid YAML: \(error)", file: file)
        }

        let context = ConfigurationDecodingContext(directory: directory, environment: environment)
        do {
            return try YAMLDecoder().decode(
                DiscoverydConfiguration.self,
                from: root,
                userInfo: [
                    ConfigurationDecodingContext.userInfoKey: context,
                    DiscoverydConfiguration.DecodingOptions.userInfoKey: options,
                ]
            )
        } catch let error as ConfigurationError {
            throw error.located(in: file, line: NodeLocator.line(of: error.keyPath, in: root))
        } catch let error as DecodingError {
            let translated = ConfigurationError(error) { path in
                switch NodeLocator.node(at: path, in: root) {
                case .scalar(let scalar)?: .scalar(scalar.string)
                case .mapping?: .structure("a mapping")
                case .sequence?: .structure("a list")
                case .alias?, nil: nil
                }
            }
            throw translated.located(in: file, line: NodeLocator.line(of: translated.keyPath, in: root))
        } catch {
            throw ConfigurationError(code: .invalidYAML, message: "\(error)", file: file)
        }
    }

    private static func describe(_ error: YamlError, file: String) -> ConfigurationError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return ConfigurationError(code: .invalidYAML, message: "not valid YAML: \(problem)", file: file, line: mark.line)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ConfigurationError(
                code: .invalidYAML,
                message: "key \(duplicates.map { "\"\($0)\"" }.joined(separator: ", ")) appears twice in the same "
                    + "mapping; keep one",
                file: file,
                line: context.mark.line
            )
        default:
            return ConfigurationError(code: .invalidYAML, message: "not valid YAML: \(error)", file: file)
        }
    }
}

/// Finds the line of a key path in a composed YAML document.
enum NodeLocator {
    /// The line of the deepest part of `path` that exists: the key's own line for mapping keys (where
    /// a scalar value sits too, and below which a block value starts), the element's line for list items.
    /// `nil` for the empty path: whole-file problems have no line.
    static func line(of path: ConfigurationKeyPath, in root: Node) -> Int? {
        var node = root
        var line: Int?
        for component in path.components {
            switch component {
            case .key(let name):
                guard let mapping = node.mapping,
                    let pair = mapping.first(where: { $0.key.string == name })
                else { return line }
                line = pair.key.mark?.line ?? line
                node = pair.value
            case .index(let index):
                guard let sequence = node.sequence, sequence.indices.contains(index) else { return line }
                node = sequence[index]
                line = node.mark?.line ?? line
            }
        }
        return line
    }

    /// The node at `path`, if the whole path exists.
    static func node(at path: ConfigurationKeyPath, in root: Node) -> Node? {
        var node = root
        for component in path.components {
            switch component {
            case .key(let name):
                guard let value = node.mapping?.first(where: { $0.key.string == name })?.value else { return nil }
                node = value
            case .index(let index):
                guard let sequence = node.sequence, sequence.indices.contains(index) else { return nil }
                node = sequence[index]
            }
        }
        return node
    }
}
