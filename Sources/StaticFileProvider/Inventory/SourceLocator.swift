import Foundation
import Yams

/// Finds where a coding path points in the file, so errors can name a line and the entry's id.
///
/// Decoders report *what* is wrong as a coding path (`instances[1].tags`); the composed YAML node tree still
/// knows the line of every key and value. JSON is valid YAML, so JSON files are composed the same way for
/// locating (decoding itself uses `JSONDecoder`).
struct SourceLocator {
    private let root: Node?

    init(root: Node?) {
        self.root = root
    }

    /// Composes `text` only to locate errors; a file that does not compose has no line information.
    init(composing text: String) {
        self.root = try? Yams.compose(yaml: text)
    }

    /// The line of the value at `path`, or of the closest enclosing value that exists (so a missing field points
    /// at its entry).
    func line(of path: [any CodingKey]) -> Int? {
        var node = root
        var line = root?.mark?.line
        for key in path {
            guard let next = node.flatMap({ child(of: $0, at: key) }) else { break }
            node = next
            line = next.mark?.line ?? line
        }
        return line
    }

    /// The line of the *key* that ends `path`, for unknown keys: that is where the typo is.
    func lineOfKey(at path: [any CodingKey]) -> Int? {
        guard let last = path.last else { return line(of: path) }
        let parentPath = Array(path.dropLast())
        guard let parent = node(at: parentPath), let mapping = parent.mapping else { return line(of: parentPath) }
        for (key, _) in mapping where key.string == last.stringValue {
            return key.mark?.line
        }
        return parent.mark?.line
    }

    /// The id of `instances[index]` as written, when it is a plain value.
    func entryID(at index: Int) -> String? {
        guard let entry = root?["instances"]?.sequence.flatMap({ index < $0.count ? $0[index] : nil }),
            let id = entry["id"]?.scalar
        else { return nil }
        let text = id.string.trimmingCharacters(in: .whitespaces)
        return text.isEmpty || text == "~" || text == "null" ? nil : text
    }

    private func node(at path: [any CodingKey]) -> Node? {
        var node = root
        for key in path {
            node = node.flatMap { child(of: $0, at: key) }
        }
        return node
    }

    private func child(of node: Node, at key: any CodingKey) -> Node? {
        if let index = key.intValue, let sequence = node.sequence {
            return index < sequence.count ? sequence[index] : nil
        }
        return node.mapping?[key.stringValue]
    }
}

extension SourceLocator {
    /// How the value at `path` is written ("a list", "a mapping", ...), to say what was found instead.
    func kind(at path: [any CodingKey]) -> String? {
        switch node(at: path) {
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .scalar(let scalar): scalar.string.isEmpty ? "nothing" : "the value \"\(scalar.string)\""
        case .alias: "an alias"
        case nil: nil
        }
    }
}
