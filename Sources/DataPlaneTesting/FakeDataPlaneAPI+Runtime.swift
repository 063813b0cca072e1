import Foundation
import HAProxySink

/// The runtime server endpoints of the fake, as the specifications define them (`runtime_server`):
/// - v2: `GET /services/haproxy/runtime/servers?backend=X`, `GET|PUT …/runtime/servers/{name}?backend=X`;
///   v3: `GET /services/haproxy/runtime/backends/{parent_name}/servers`, `GET|PUT …/servers/{name}`.
/// - Bodies are bare (no `{_version, data}` wrapping, even in v2): they are not configuration.
/// - `PUT` changes `admin_state` (`ready|maint|drain`, `set server … state`) and nothing in haproxy.cfg: no
///   version bump, no reload, answered 200 with the server. Other fields are read-only here (v2 and v3 before
///   3.3); a body that sets nothing the fake models is accepted and changes nothing.
/// - A missing backend or server is 404; an `admin_state` outside the enum is 422, as the API's validation
///   answers it.
extension FakeDataPlaneAPI.Context {
    mutating func runtimeRoute(_ path: FakeRoutePath) -> FakeResponse? {
        let method = request.method
        switch apiVersion {
        case .v2:
            let backend = request.query["backend"]
            if path.matches("runtime", "servers") != nil {
                guard let backend else { return error(400, "backend not specified") }
                return method == "GET" ? listRuntimeServers(backend: backend) : error(405, "method \(method) not allowed")
            }
            if let captured = path.matches("runtime", "servers", "*") {
                guard let backend else { return error(400, "backend not specified") }
                return runtimeServer(method: method, backend: backend, name: captured[0])
            }
        case .v3:
            if let captured = path.matches("runtime", "backends", "*", "servers") {
                return method == "GET" ? listRuntimeServers(backend: captured[0]) : error(405, "method \(method) not allowed")
            }
            if let captured = path.matches("runtime", "backends", "*", "servers", "*") {
                return runtimeServer(method: method, backend: captured[0], name: captured[1])
            }
        }
        return nil
    }

    private func listRuntimeServers(backend: String) -> FakeResponse {
        guard let parent = state.config[backend: backend] else {
            return error(404, "backend \(backend) not found")
        }
        return .json(200, .array(parent.servers.compactMap { runtimeServer(backend: backend, fields: $0) }))
    }

    private mutating func runtimeServer(method: String, backend: String, name: String) -> FakeResponse {
        guard let fields = state.config[backend: backend]?.servers.first(where: { $0["name"]?.stringValue == name }),
            let current = runtimeServer(backend: backend, fields: fields)
        else {
            return error(404, "server \(name) not found in backend \(backend)")
        }
        switch method {
        case "GET":
            return .json(200, current)
        case "PUT":
            guard let body = try? JSONValue.decode(request.body), let object = body.objectValue else {
                return error(400, "request body must be a JSON object")
            }
            if let value = object["admin_state"] {
                guard let adminState = value.stringValue, ["ready", "maint", "drain"].contains(adminState) else {
                    return error(422, "admin_state in body should be one of [ready maint drain]")
                }
                guard state.runtimeAPIAvailable else {
                    return error(500, "runtime API is not configured")
                }
                state.runtimeAdminStates[backend + "/" + name] = adminState
                state.counters.runtimeChanges += 1
            }
            return .json(200, runtimeServer(backend: backend, fields: fields) ?? current)
        default:
            return error(405, "method \(method) not allowed")
        }
    }

    /// A `runtime_server` object for one configured server.
    private func runtimeServer(backend: String, fields: [String: JSONValue]) -> JSONValue? {
        guard let name = fields["name"]?.stringValue,
            let adminState = state.adminState(backend: backend, server: name)
        else { return nil }
        var server: [String: JSONValue] = [
            "name": .string(name),
            "address": fields["address"] ?? .null,
            "admin_state": .string(adminState),
            "operational_state": adminState == "maint" ? "down" : "up",
        ]
        if let port = fields["port"] { server["port"] = port }
        if let id = fields["id"] { server["id"] = id }
        return .object(server)
    }
}

extension FakeDataPlaneAPI.State {
    /// The runtime override, else what the configuration's `maintenance` makes of the server.
    func adminState(backend: String, server: String) -> String? {
        guard let fields = config[backend: backend]?.servers.first(where: { $0["name"]?.stringValue == server }) else {
            return nil
        }
        if let state = runtimeAdminStates[backend + "/" + server] { return state }
        return fields["maintenance"]?.stringValue == "enabled" ? "maint" : "ready"
    }
}
