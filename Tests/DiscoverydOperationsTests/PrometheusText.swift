/// A parsed scrape in the Prometheus text exposition format (version 0.0.4): every sample with its labels,
/// and the `# TYPE` of every family. Parsing fails on any line the format does not allow.
struct PrometheusText {
    struct Sample: Hashable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    struct ParseError: Error, CustomStringConvertible {
        var line: String
        var description: String { "not Prometheus text format: \(line)" }
    }

    var samples: [Sample] = []
    var types: [String: String] = [:]

    init(_ text: String) throws {
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                guard parts.count == 4, ["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[3]) else {
                    throw ParseError(line: String(line))
                }
                types[String(parts[2])] = String(parts[3])
            } else if line.hasPrefix("#") {
                continue
            } else {
                samples.append(try Self.sample(String(line)))
            }
        }
    }

    private static func sample(_ line: String) throws -> Sample {
        var name = ""
        var labels: [String: String] = [:]
        var rest = Substring(line)
        if let brace = rest.firstIndex(of: "{") {
            name = String(rest[..<brace])
            guard let close = rest.lastIndex(of: "}") else { throw ParseError(line: line) }
            var labelText = rest[rest.index(after: brace)..<close]
            while !labelText.isEmpty {
                guard let equals = labelText.firstIndex(of: "="),
                    labelText[labelText.index(after: equals)...].hasPrefix("\"")
                else { throw ParseError(line: line) }
                let key = String(labelText[..<equals])
                var index = labelText.index(equals, offsetBy: 2)
                var value = ""
                while index < labelText.endIndex, labelText[index] != "\"" {
                    if labelText[index] == "\\" { index = labelText.index(after: index) }
                    guard index < labelText.endIndex else { throw ParseError(line: line) }
                    value.append(labelText[index])
                    index = labelText.index(after: index)
                }
                guard index < labelText.endIndex else { throw ParseError(line: line) }
                labels[key] = value
                labelText = labelText[labelText.index(after: index)...]
                if labelText.hasPrefix(",") { labelText = labelText.dropFirst() }
            }
            rest = rest[rest.index(after: close)...]
        } else {
            guard let space = rest.firstIndex(of: " ") else { throw ParseError(line: line) }
            name = String(rest[..<space])
            rest = rest[space...]
        }
        let fields = rest.split(separator: " ")
        guard (1...2).contains(fields.count), let value = Double(fields[0]) ?? Self.special(fields[0]),
            name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" })
        else { throw ParseError(line: line) }
        return Sample(name: name, labels: labels, value: value)
    }

    private static func special(_ text: Substring) -> Double? {
        switch text {
        case "+Inf": .infinity
        case "-Inf": -.infinity
        case "NaN": .nan
        default: nil
        }
    }

    /// The value of the one sample named `name` with exactly these labels.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }

    func samples(named name: String) -> [Sample] { samples.filter { $0.name == name } }
}
