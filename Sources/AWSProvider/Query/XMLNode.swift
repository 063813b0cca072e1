import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// An XML element as the Query APIs answer: a name (namespace prefix dropped), its text and its children.
///
/// Built with Foundation's `XMLParser` (a real parser: entities, CDATA, encodings), external entities off.
/// The Query APIs' answers are element-only (no attributes carry data), so a tree of elements is all the
/// model types need; they read it with ``child(_:)`` and ``children(_:)`` along documented paths.
struct XMLNode: Sendable, Hashable {
    var name: String
    var text: String
    var children: [XMLNode]

    /// The first direct child named `name`.
    func child(_ name: String) -> XMLNode? { children.first { $0.name == name } }

    /// Every direct child named `name`.
    func children(_ name: String) -> [XMLNode] { children.filter { $0.name == name } }

    /// Follows direct children along `path` (`"placement", "availabilityZone"`).
    func at(_ path: String...) -> XMLNode? {
        var node: XMLNode? = self
        for name in path { node = node?.child(name) }
        return node
    }

    /// The trimmed text at `path`, or nil when absent or empty.
    func string(_ path: String...) -> String? {
        var node: XMLNode? = self
        for name in path { node = node?.child(name) }
        guard let text = node?.text.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        return text
    }

    /// The first element named `name` anywhere below (depth first), this node included.
    func first(named name: String) -> XMLNode? {
        if self.name == name { return self }
        for child in children {
            if let found = child.first(named: name) { return found }
        }
        return nil
    }

    struct ParseError: Error, CustomStringConvertible {
        var line: Int
        var reason: String
        var description: String { "malformed XML at line \(line): \(reason)" }
    }

    /// Parses a whole document and returns its root element.
    static func parse(_ bytes: [UInt8]) throws -> XMLNode {
        let parser = XMLParser(data: Data(bytes))
        parser.shouldProcessNamespaces = true
        parser.shouldResolveExternalEntities = false
        let builder = TreeBuilder()
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else {
            throw ParseError(
                line: parser.lineNumber,
                reason: parser.parserError.map { "\($0.localizedDescription)" } ?? "no root element"
            )
        }
        return root
    }
}

/// Collects `XMLParser` callbacks into an ``XMLNode`` tree. Used by one parse on one thread.
private final class TreeBuilder: NSObject, XMLParserDelegate {
    private var stack: [XMLNode] = []
    var root: XMLNode?

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
        qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]
    ) {
        stack.append(XMLNode(name: elementName, text: "", children: []))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += string
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += String(decoding: CDATABlock, as: UTF8.self)
    }

    func parser(
        _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?
    ) {
        guard let finished = stack.popLast() else { return }
        if stack.isEmpty {
            root = finished
        } else {
            stack[stack.count - 1].children.append(finished)
        }
    }
}
