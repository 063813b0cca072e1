extension ServerState {
    /// The server as the configuration holds it: the drain state is runtime only (`admin_state`), so a
    /// draining server is configured like a ready one.
    var configured: ServerState {
        var server = self
        server.draining = false
        return server
    }
}

/// How discoveryd's servers look in the Data Plane API.
///
/// Every slot, active or free, is written with the same parameters (`check enabled`, `cookie` = slot
/// name, weight, backup); only address, port and maintenance tell a placeholder from an active server.
/// Filling or freeing a slot therefore changes only runtime-capable fields and HAProxy takes it without a
/// reload.
public enum DataPlaneServerFormat {
    /// The complete `server` object for a planned server (a `PUT` replaces everything).
    public static func fields(for server: ServerState) -> [String: JSONValue] {
        var fields: [String: JSONValue] = [
            "name": .string(server.name),
            "address": .string(server.address),
            "port": .int(server.port),
            "check": "enabled",
            "maintenance": server.maintenance ? "enabled" : "disabled",
            "weight": .int(server.weight),
            "cookie": .string(server.name),
        ]
        if server.backup { fields["backup"] = "enabled" }
        return fields
    }

    /// `servers` as the `servers` map of a whole backend section, `{"srv1": {...}, ...}`, written straight into
    /// `output`: byte for byte what ``JSONValueWriter`` writes for the map of ``fields(for:)`` (keys sorted; of
    /// two servers with one name the first wins, as in ``DataPlaneBackendSection/fields``), without building
    /// a dictionary per server.
    public static func writeServerMap(_ servers: [ServerState], into output: inout [UInt8]) {
        let order = servers.indices.sorted { (servers[$0].name, $0) < (servers[$1].name, $1) }
        output.append(UInt8(ascii: "{"))
        var previous: String?
        for index in order {
            let server = servers[index]
            if server.name == previous { continue }
            if previous != nil { output.append(UInt8(ascii: ",")) }
            previous = server.name
            JSONValueWriter.writeString(server.name, into: &output)
            output.append(UInt8(ascii: ":"))
            writeFields(of: server, into: &output)
        }
        output.append(UInt8(ascii: "}"))
    }

    /// ``fields(for:)`` as JSON, keys in sorted order.
    private static func writeFields(of server: ServerState, into output: inout [UInt8]) {
        output.append(contentsOf: #"{"address":"#.utf8)
        JSONValueWriter.writeString(server.address, into: &output)
        if server.backup { output.append(contentsOf: #","backup":"enabled""#.utf8) }
        output.append(contentsOf: #","check":"enabled","cookie":"#.utf8)
        JSONValueWriter.writeString(server.name, into: &output)
        output.append(contentsOf: (server.maintenance ? #","maintenance":"enabled","# : #","maintenance":"disabled","#).utf8)
        output.append(contentsOf: #""name":"#.utf8)
        JSONValueWriter.writeString(server.name, into: &output)
        output.append(contentsOf: #","port":"#.utf8)
        output.append(contentsOf: String(server.port).utf8)
        output.append(contentsOf: #","weight":"#.utf8)
        output.append(contentsOf: String(server.weight).utf8)
        output.append(UInt8(ascii: "}"))
    }

    public static func server(for state: ServerState) -> DataPlaneServer {
        DataPlaneServer(fields: fields(for: state))
    }

    /// The managed fields of a server as HAProxy has it. A missing weight reads as HAProxy's default (1),
    /// a missing port as 0, so that both show up as differences to write.
    public static func state(of server: DataPlaneServer) -> ServerState {
        ServerState(
            name: server.name,
            address: server.address,
            port: server.port ?? 0,
            maintenance: server.isInMaintenance,
            weight: server.weight ?? 1,
            backup: server.fields["backup"]?.stringValue == "enabled"
        )
    }

    /// Whether the server has parameters other than the ones ``ServerState`` models that differ from what
    /// discoveryd writes (someone removed `check`, added `inter`, changed the cookie ...). Such a server
    /// is rewritten in a transaction: those parameters are not runtime-capable.
    public static func hasParameterDrift(_ server: DataPlaneServer) -> Bool {
        normalised(server.fields) != normalised(fields(for: state(of: server)))
    }

    /// `disabled` toggles are the same as absent ones, and so is HAProxy's default weight 1 (servers the
    /// Python daemon wrote have no weight; that is no reason for a reload).
    static func normalised(_ fields: [String: JSONValue]) -> [String: JSONValue] {
        var fields = fields
        for toggle in ["maintenance", "backup"] where fields[toggle] == "disabled" {
            fields[toggle] = nil
        }
        if fields["port"] == .null { fields["port"] = nil }
        if fields["weight"] == .int(1) { fields["weight"] = nil }
        return fields
    }
}
