import Foundation
import ProviderKit
import Yams

/// Reads and validates a static inventory file: the single place that knows the file format.
///
/// ```yaml
/// instances:
///   - id: web-1              # required, unique and stable (slot stickiness is keyed on it)
///     name: web-1            # optional, defaults to id
///     address: 10.0.0.4      # required, IPv4 or IPv6 literal
///     region: eastus         # required
///     zone: "1"              # optional
///     state: running         # optional, default running; other states are reported and skipped by the grouper
///     tags: {HAProxy:Service:Name: web, HAProxy:Service:Port: 8080}
/// ```
///
/// Files ending in `.json` are parsed as JSON, anything else as YAML. Decoding is strict: unknown keys, wrong
/// types, missing fields, invalid addresses and duplicate ids throw a ``StaticFileError`` naming the file, line,
/// entry and field. `instances: []` is valid and means "no machines".
public enum StaticInventoryFile {
    /// The ``Instance/sourceKind`` of every instance read from a file.
    public static let sourceKind = "static"

    public enum Format: Hashable, Sendable {
        case yaml
        case json

        /// `.json` (any case) is JSON; everything else is YAML.
        public init(path: String) {
            self = path.lowercased().hasSuffix(".json") ? .json : .yaml
        }
    }

    /// Reads `path` (absolute, or relative to the current directory) and returns its instances in file order.
    ///
    /// - Throws: ``StaticFileError`` when the file is missing, unreadable or invalid.
    public static func load(path: String) throws -> [Instance] {
        try parse(read(path: path), file: path, format: Format(path: path))
    }

    /// Validates file contents already in memory. `file` is used in error messages only.
    ///
    /// - Throws: ``StaticFileError`` when the contents are invalid.
    public static func parse(_ data: Data, file: String, format: Format) throws -> [Instance] {
        guard let text = String(data: data, encoding: .utf8) else {
            throw StaticFileError(
                code: .unreadableFile,
                file: file,
                message: "the file is not UTF-8 text; save it as UTF-8"
            )
        }
        let document: InventoryDocument
        let locator: SourceLocator
        switch format {
        case .yaml:
            (document, locator) = try decodeYAML(text, file: file)
        case .json:
            locator = SourceLocator(composing: text)
            do {
                document = try JSONDecoder().decode(InventoryDocument.self, from: data)
            } catch {
                let failure = DecodingFailure(file: file, locator: locator)
                throw failure.jsonSyntax(data) ?? failure.translate(error)
            }
        }
        return try validate(document, file: file, locator: locator)
    }

    static func read(path: String) throws -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw StaticFileError(
                code: .unreadableFile,
                file: path,
                message: path.hasPrefix("/")
                    ? "no such file; create it or fix the path"
                    : "no such file; create it or fix the path "
                        + "(relative to \(FileManager.default.currentDirectoryPath))"
            )
        }
        guard !isDirectory.boolValue else {
            throw StaticFileError(
                code: .unreadableFile,
                file: path,
                message: "is a directory; point the path at the inventory file itself"
            )
        }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw StaticFileError(
                code: .unreadableFile,
                file: path,
                message: "cannot be read (\(error.localizedDescription)); check its permissions"
            )
        }
    }

    private static func decodeYAML(_ text: String, file: String) throws -> (InventoryDocument, SourceLocator) {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw DecodingFailure(file: file, locator: SourceLocator(root: nil)).translate(error)
        }
        guard let root else {
            throw StaticFileError(
                code: .missingField,
                file: file,
                field: "instances",
                message: "the file is empty; it needs a top-level \"instances:\" list "
                    + "(write \"instances: []\" for no machines)"
            )
        }
        let locator = SourceLocator(root: root)
        do {
            return (try YAMLDecoder().decode(InventoryDocument.self, from: root), locator)
        } catch {
            throw DecodingFailure(file: file, locator: locator).translate(error)
        }
    }

    /// The checks a decoder cannot make: address syntax and id uniqueness.
    private static func validate(_ document: InventoryDocument, file: String, locator: SourceLocator) throws
        -> [Instance]
    {
        var firstIndexByID: [String: Int] = [:]
        var instances: [Instance] = []
        instances.reserveCapacity(document.instances.count)
        // Machines of one service are usually tagged alike: they share one tag dictionary (TagInterner).
        var tagInterner = TagInterner()
        for (index, entry) in document.instances.enumerated() {
            let entryLocation = StaticFileError.Entry(index: index, id: entry.id)
            let entryPath: [any CodingKey] = [InventoryDocument.CodingKeys.instances, AnyCodingKey(intValue: index)]
            let address = entry.address.trimmingCharacters(in: .whitespaces)
            guard IPAddressLiteral.isValid(address) else {
                throw StaticFileError(
                    code: .invalidValue,
                    file: file,
                    line: locator.line(of: entryPath + [InventoryEntry.CodingKeys.address]),
                    entry: entryLocation,
                    field: "address",
                    message: "field \"address\": \"\(entry.address)\" is not an IP address; "
                        + AddressHint.hint(for: address)
                )
            }
            if let first = firstIndexByID[entry.id] {
                let firstPath: [any CodingKey] = [
                    InventoryDocument.CodingKeys.instances, AnyCodingKey(intValue: first),
                    InventoryEntry.CodingKeys.id,
                ]
                let firstLine = locator.line(of: firstPath).map { " on line \($0)" } ?? ""
                throw StaticFileError(
                    code: .duplicateID,
                    file: file,
                    line: locator.line(of: entryPath + [InventoryEntry.CodingKeys.id]),
                    entry: entryLocation,
                    field: "id",
                    message: "duplicate id \"\(entry.id)\", already used by instances[\(first)]\(firstLine); "
                        + "ids must be unique and stable, e.g. the machine's name"
                )
            }
            firstIndexByID[entry.id] = index
            instances.append(
                Instance(
                    id: InstanceID(entry.id),
                    name: entry.name,
                    address: address,
                    region: entry.region,
                    zone: entry.zone,
                    tags: tagInterner.intern(entry.tags.mapValues(\.text)),
                    state: entry.state.map(InstanceState.init(rawValue:)) ?? .running,
                    sourceKind: sourceKind
                )
            )
        }
        return instances
    }
}
