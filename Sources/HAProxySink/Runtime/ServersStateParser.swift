/// Parses the answer to `show servers state` (format version 1, HAProxy 1.6 to 3.x).
///
/// Columns are found by the names in the `#` header rather than by position, because HAProxy appends
/// columns over versions (2.6 has 25); only the ones discoveryd needs are required.
public enum ServersStateParser {
    static let requiredColumns = [
        "be_id", "be_name", "srv_id", "srv_name", "srv_addr", "srv_op_state", "srv_admin_state",
        "srv_uweight", "srv_iweight", "srv_check_state", "srv_port",
    ]

    public static func parse(_ answer: String) throws(RuntimeAPIError) -> [RuntimeServerState] {
        let lines = answer.split(whereSeparator: \.isNewline).map { $0.trimmedString() }.filter { !$0.isEmpty }
        guard let versionLine = lines.first else {
            throw malformed("the answer is empty", answer)
        }
        guard versionLine == "1" else {
            if versionLine.hasPrefix("Can't find backend") || versionLine.hasPrefix("Permission denied")
                || versionLine.hasPrefix("Unknown command")
            {
                throw RuntimeAPIError(code: .commandRejected, command: "show servers state", message: versionLine)
            }
            throw malformed("expected format version 1 on the first line, got '\(versionLine.prefix(80))'", answer)
        }
        guard lines.count >= 2, lines[1].hasPrefix("#") else {
            throw malformed("the '# be_id be_name ...' header line is missing", answer)
        }
        let columns = lines[1].dropFirst().split(whereSeparator: \.isWhitespace).map(String.init)
        var index: [String: Int] = [:]
        for (position, name) in columns.enumerated() { index[name] = position }
        let missing = requiredColumns.filter { index[$0] == nil }
        guard missing.isEmpty else {
            throw malformed("the header lacks the columns \(missing.joined(separator: ", "))", answer)
        }

        var servers: [RuntimeServerState] = []
        servers.reserveCapacity(lines.count - 2)
        for (offset, line) in lines.dropFirst(2).enumerated() {
            let fields = line.split(whereSeparator: \.isWhitespace)
            let lineNumber = offset + 3
            func text(_ column: String) throws(RuntimeAPIError) -> String {
                let position = index[column]!
                guard position < fields.count else {
                    throw malformed("line \(lineNumber) has \(fields.count) fields, '\(column)' is missing", answer)
                }
                return String(fields[position])
            }
            func number(_ column: String) throws(RuntimeAPIError) -> Int {
                let value = try text(column)
                guard let number = Int(value) else {
                    throw malformed("line \(lineNumber): '\(column)' is '\(value)', not a number", answer)
                }
                return number
            }
            let opStateValue = try number("srv_op_state")
            guard let opState = RuntimeServerState.OperationalState(rawValue: opStateValue) else {
                throw malformed("line \(lineNumber): unknown srv_op_state \(opStateValue)", answer)
            }
            servers.append(
                RuntimeServerState(
                    backendID: try number("be_id"),
                    backendName: try text("be_name"),
                    serverID: try number("srv_id"),
                    serverName: try text("srv_name"),
                    address: try text("srv_addr"),
                    port: try number("srv_port"),
                    operationalState: opState,
                    adminFlags: .init(rawValue: try number("srv_admin_state")),
                    weight: try number("srv_uweight"),
                    initialWeight: try number("srv_iweight"),
                    checkFlags: .init(rawValue: try number("srv_check_state"))
                )
            )
        }
        return servers
    }

    /// Parses the answer to `show backend`: a `# name` header, then one backend name per line.
    public static func parseBackendNames(_ answer: String) throws(RuntimeAPIError) -> [String] {
        let lines = answer.split(whereSeparator: \.isNewline).map { $0.trimmedString() }.filter { !$0.isEmpty }
        guard let header = lines.first, header.hasPrefix("#") else {
            throw RuntimeAPIError(
                code: .malformedResponse,
                command: "show backend",
                message: "expected a '# name' header, got '\(answer.prefix(80))'"
            )
        }
        return Array(lines.dropFirst())
    }

    private static func malformed(_ reason: String, _ answer: String) -> RuntimeAPIError {
        RuntimeAPIError(
            code: .malformedResponse,
            command: "show servers state",
            message: reason + " (answer starts: \(answer.prefix(200).debugDescription))"
        )
    }
}

extension Substring {
    fileprivate func trimmedString() -> String {
        var view = self
        while let first = view.first, first.isWhitespace { view.removeFirst() }
        while let last = view.last, last.isWhitespace { view.removeLast() }
        return String(view)
    }
}
