import Foundation
import Yams

/// Turns what YAML/JSON decoders throw into a ``StaticFileError`` that says where and how to fix it.
struct DecodingFailure {
    var file: String
    var locator: SourceLocator

    func translate(_ error: any Error) -> StaticFileError {
        switch error {
        case let error as StaticFileError:
            return error
        case let error as UnknownKeyError:
            return unknownKey(error)
        case let error as MissingValueError:
            return missing(at: error.codingPath)
        case let error as YamlError:
            return syntax(error)
        case let error as DecodingError:
            return decoding(error)
        default:
            return StaticFileError(code: .syntax, file: file, message: "cannot be parsed: \(error)")
        }
    }

    private func unknownKey(_ error: UnknownKeyError) -> StaticFileError {
        let fix =
            if let suggestion = KeySuggestion.closest(to: error.key, among: error.allowed) {
                "did you mean \"\(suggestion)\"?"
            } else {
                "allowed keys are \(error.allowed.joined(separator: ", "))"
            }
        return StaticFileError(
            code: .unknownKey,
            file: file,
            line: locator.lineOfKey(at: error.codingPath),
            entry: entry(in: error.codingPath),
            field: error.key,
            message: "unknown key \"\(error.key)\"; \(fix)"
        )
    }

    private func missing(at path: [any CodingKey]) -> StaticFileError {
        let field = path.last?.stringValue ?? "instances"
        let example =
            switch field {
            case "id": "add a unique, stable id such as the machine's name, e.g. \"id: web-1\""
            case "address": "add the machine's IP, e.g. \"address: 10.0.0.4\""
            case "region": "add the machine's region, e.g. \"region: eastus\""
            case "instances": "the file needs a top-level \"instances:\" list (write \"instances: []\" for no machines)"
            default: "give it a value"
            }
        return StaticFileError(
            code: .missingField,
            file: file,
            line: locator.line(of: path),
            entry: entry(in: path),
            field: field,
            message: "missing required field \"\(field)\"; \(example)"
        )
    }

    private func decoding(_ error: DecodingError) -> StaticFileError {
        switch error {
        case .typeMismatch(_, let context):
            return wrongType(at: context.codingPath)
        case .valueNotFound(_, let context):
            return missing(at: context.codingPath)
        case .keyNotFound(let key, let context):
            return missing(at: context.codingPath + [key])
        case .dataCorrupted(let context):
            return StaticFileError(
                code: .syntax,
                file: file,
                message: "cannot be decoded: \(context.debugDescription)"
            )
        @unknown default:
            return StaticFileError(code: .syntax, file: file, message: "cannot be decoded: \(error)")
        }
    }

    private func wrongType(at path: [any CodingKey]) -> StaticFileError {
        let expected = Self.expectedShape(of: path)
        let foundKind = locator.kind(at: path)
        var found = foundKind.map { ", found \($0)" } ?? ""
        if expected.hasSuffix("text value"), foundKind?.hasPrefix("the value") == true {
            found += "; put it in quotes"
        }
        guard !path.isEmpty else {
            return StaticFileError(
                code: .wrongType,
                file: file,
                line: locator.line(of: path),
                message: "the file must be \(expected)\(found)"
            )
        }
        let field = Self.fieldName(of: path)
        return StaticFileError(
            code: .wrongType,
            file: file,
            line: locator.line(of: path),
            entry: entry(in: path),
            field: field,
            message: "field \"\(field)\" must be \(expected)\(found)"
        )
    }

    private func syntax(_ error: YamlError) -> StaticFileError {
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let problem = "\(context.map { "\($0.text) " } ?? "")\(problem)"
            return StaticFileError(
                code: .syntax,
                file: file,
                line: mark.line,
                message: "is not valid YAML: \(problem) at column \(mark.column); "
                    + "check the indentation and quoting there"
            )
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "\"\($0)\"" }.joined(separator: ", ")
            return StaticFileError(
                code: .syntax,
                file: file,
                line: context.mark.line,
                field: duplicates.first,
                message: "the key \(keys) is given more than once in one mapping; keep only one"
            )
        default:
            return StaticFileError(code: .syntax, file: file, message: "is not valid YAML: \(error)")
        }
    }

    /// JSONDecoder only says "not valid JSON"; JSONSerialization says what, and composing the text as YAML (JSON
    /// is YAML's flow style) says where.
    func jsonSyntax(_ data: Data) -> StaticFileError? {
        let detail: String
        do {
            _ = try JSONSerialization.jsonObject(with: data)
            return nil
        } catch {
            detail = ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String) ?? "\(error)"
        }
        var line: Int?
        var column = ""
        if let text = String(data: data, encoding: .utf8) {
            switch Result(catching: { try Yams.compose(yaml: text) }) {
            case .failure(YamlError.scanner(_, _, let mark, _)), .failure(YamlError.parser(_, _, let mark, _)):
                line = mark.line
                column = " (near column \(mark.column))"
            default:
                break
            }
        }
        return StaticFileError(
            code: .syntax,
            file: file,
            line: line,
            message: "is not valid JSON: \(detail)\(column); fix the syntax (`jq . \(file)` shows where)"
        )
    }

    private func entry(in path: [any CodingKey]) -> StaticFileError.Entry? {
        guard path.count >= 2, path[0].stringValue == InventoryDocument.CodingKeys.instances.rawValue,
            let index = path[1].intValue
        else { return nil }
        return StaticFileError.Entry(index: index, id: locator.entryID(at: index))
    }

    /// The field as a user would name it: `tags`, `tags.HAProxy:Service:Port`, `instances`.
    private static func fieldName(of path: [any CodingKey]) -> String {
        let inEntry = path.count >= 2 && path[1].intValue != nil
        let fieldPath = inEntry ? path.dropFirst(2) : path[...]
        guard !fieldPath.isEmpty else {
            return inEntry ? "instances[\(path[1].intValue ?? 0)]" : (path.first?.stringValue ?? "instances")
        }
        return fieldPath.map(\.stringValue).joined(separator: ".")
    }

    private static func expectedShape(of path: [any CodingKey]) -> String {
        switch path.count {
        case 0: return "a mapping with an \"instances:\" list"
        case 1: return "a list of instances (write \"instances: []\" for no machines)"
        case 2: return "a mapping with id, address, region and optional name, zone, state, tags"
        default: break
        }
        if path[2].stringValue == InventoryEntry.CodingKeys.tags.rawValue {
            return path.count == 3
                ? "a mapping of tag names to values, e.g. {HAProxy:Service:Name: web}" : "a single text or number value"
        }
        return "a single text value"
    }
}
