import ProviderKit
import Foundation

/// Replaces `${NAME}` and `${NAME:-default}` in the raw configuration text.
///
/// Substitution happens before YAML parsing and line by line, so every line keeps its number and
/// errors can point at it. `$${` writes a literal `${`. Comments are left alone, so a commented-out
/// line may mention a variable that is not set. As in a shell, `:-` also applies when the variable is
/// set but empty.
public struct EnvironmentInterpolation: Sendable {
    public var environment: [String: String]

    public init(environment: [String: String]) {
        self.environment = environment
    }

    /// - Throws: ``ConfigurationError`` naming the variable and the line when a variable is unset and
    ///   has no default, or when `${` is not closed.
    public func interpolate(_ text: String, file: String? = nil) throws(ConfigurationError) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var output: [String] = []
        output.reserveCapacity(lines.count)
        for (index, line) in lines.enumerated() {
            output.append(try interpolate(line: line, number: index + 1, file: file))
        }
        return output.joined(separator: "\n")
    }

    private func interpolate(line: Substring, number: Int, file: String?) throws(ConfigurationError) -> String {
        guard line.contains("$") else { return String(line) }
        var result = ""
        var quote: Character?
        var previous: Character?
        var index = line.startIndex
        while index < line.endIndex {
            let character = line[index]
            if quote == nil, character == "#", previous == nil || previous!.isWhitespace {
                // The rest is a YAML comment.
                result += line[index...]
                break
            }
            if character == "\"" || character == "'" {
                // A quote opens a quoted scalar only where one can start, so the apostrophe in
                // `note: don't # ${X}` does not hide the comment.
                if quote == nil, previous == nil || previous!.isWhitespace || "[{,:-".contains(previous!) {
                    quote = character
                } else if quote == character {
                    quote = nil
                }
            }
            if character == "$", line[index...].hasPrefix("$${") {
                result += "${"
                index = line.index(index, offsetBy: 3)
                previous = "{"
                continue
            }
            if character == "$", line[index...].hasPrefix("${") {
                let bodyStart = line.index(index, offsetBy: 2)
                guard let close = line[bodyStart...].firstIndex(of: "}") else {
                    throw ConfigurationError(
                        code: .invalidYAML,
                        message: "\"${\" is not closed; write ${NAME} or ${NAME:-default} (or $${ for a literal \"${\")",
                        file: file,
                        line: number
                    )
                }
                result += try substitution(for: line[bodyStart..<close], line: number, file: file)
                index = line.index(after: close)
                previous = "}"
                continue
            }
            result.append(character)
            previous = character
            index = line.index(after: index)
        }
        return result
    }

    private func substitution(for body: Substring, line: Int, file: String?) throws(ConfigurationError) -> String {
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
