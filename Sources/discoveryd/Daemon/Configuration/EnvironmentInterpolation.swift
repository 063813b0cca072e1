import ProviderKit
import Foundation
import Yams

/// Replaces `${NAME}` and `${NAME:-default}` in the values of the parsed configuration.
///
/// Substitution happens **after** YAML parsing, inside each scalar value, so a value is taken literally:
/// `password: ${PW}` with `PW='abc #tail'` is `abc #tail` (not `abc` and a comment), and a newline inside
/// a value stays a newline. Comments are gone by then, so a commented-out line may mention a variable that
/// is not set. Errors name the line of the scalar. `$${` writes a literal `${`. As in a shell, `:-` also
/// applies when the variable is set but empty. Keys are not substituted.
public struct EnvironmentInterpolation: Sendable {
    public var environment: [String: String]

    public init(environment: [String: String]) {
        self.environment = environment
    }

    /// `node` with every scalar value interpolated; tags of quoted scalars are kept (a quoted `"${PORT}"`
    /// stays a string), plain scalars are typed by their new text (`interval_seconds: ${POLL:-45}` is a number).
    /// - Throws: ``ConfigurationError`` naming the variable and the line when a variable is unset and
    ///   has no default, or when `${` is not closed.
    public func interpolate(_ node: Node, file: String? = nil) throws(ConfigurationError) -> Node {
        switch node {
        case .scalar(var scalar):
            guard scalar.string.contains("$") else { return node }
            let tag = scalar.tag
            let line = scalar.mark?.line
            scalar.string = try interpolate(value: scalar.string, line: line, file: file)
            if scalar.style != .plain && scalar.style != .any { scalar.tag = tag }
            return .scalar(scalar)
        case .mapping(let mapping):
            var pairs: [(Node, Node)] = []
            pairs.reserveCapacity(mapping.count)
            for (key, value) in mapping {
                pairs.append((key, try interpolate(value, file: file)))
            }
            return .mapping(Node.Mapping(pairs, mapping.tag, mapping.style, mapping.mark))
        case .sequence(let sequence):
            var nodes: [Node] = []
            nodes.reserveCapacity(sequence.count)
            for element in sequence {
                nodes.append(try interpolate(element, file: file))
            }
            return .sequence(Node.Sequence(nodes, sequence.tag, sequence.style, sequence.mark))
        case .alias:
            return node
        }
    }

    /// One scalar value with its references replaced; `line` is where the scalar starts, for errors.
    public func interpolate(value: String, line: Int? = nil, file: String? = nil) throws(ConfigurationError) -> String {
        guard value.contains("$") else { return value }
        var result = ""
        var index = value.startIndex
        while index < value.endIndex {
            let rest = value[index...]
            if rest.hasPrefix("$${") {
                result += "${"
                index = value.index(index, offsetBy: 3)
                continue
            }
            if rest.hasPrefix("${") {
                let bodyStart = value.index(index, offsetBy: 2)
                guard let close = value[bodyStart...].firstIndex(of: "}") else {
                    throw ConfigurationError(
                        code: .invalidYAML,
                        message: "\"${\" is not closed; write ${NAME} or ${NAME:-default} (or $${ for a literal \"${\")",
                        file: file,
                        line: line
                    )
                }
                result += try substitution(for: value[bodyStart..<close], line: line, file: file)
                index = value.index(after: close)
                continue
            }
            result.append(value[index])
            index = value.index(after: index)
        }
        return result
    }

    private func substitution(for body: Substring, line: Int?, file: String?) throws(ConfigurationError) -> String {
        let name: Substring
        let fallback: Substring?
        if let separator = body.range(of: ":-") {
            name = body[..<separator.lowerBound]
            fallback = body[separator.upperBound...]
        } else {
            name = body
            fallback = nil
        }
        guard Self.isValidName(name) else {
            throw ConfigurationError(
                code: .invalidYAML,
                message: "\"${\(body)}\" is not a valid variable reference; write ${NAME} or ${NAME:-default} "
                    + "with NAME made of letters, digits and _",
                file: file,
                line: line
            )
        }
        if let value = environment[String(name)], !(value.isEmpty && fallback != nil) {
            return value
        }
        if let fallback {
            return String(fallback)
        }
        throw ConfigurationError(
            code: .undefinedVariable,
            message: "environment variable \(name) is not set (used as ${\(name)}); "
                + "set it, or give a default with ${\(name):-value}",
            file: file,
            line: line
        )
    }

    private static func isValidName(_ name: Substring) -> Bool {
        guard let first = name.first, first == "_" || (first.isASCII && first.isLetter) else { return false }
        return name.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
    }
}
