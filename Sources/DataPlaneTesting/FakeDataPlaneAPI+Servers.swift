import Foundation
import HAProxySink

/// The configuration server endpoints of the fake (v2 `…/servers?backend=X`, v3
/// `…/backends/{parent_name}/servers`): list, read, create, replace, delete, each deciding between a runtime
/// change and a reload as the API does.
extension FakeDataPlaneAPI.Context {
    mutating func servers(method: String, backend: String) -> FakeResponse {
        switch method {
        case "GET":
            switch readable() {
            case .failure(let failure): return error(failure.status, failure.message)
            case .success(let config):
                // A missing backend lists as empty (HandleContainerGetError), not 404.
                return read(.array((config[backend: backend]?.servers ?? []).map(JSONValue.object)))
            }
        case "POST":
            return createServer(backend: backend)
        default:
            return error(405, "method \(method) not allowed")
        }
    }

    mutating func server(method: String, backend: String, name: String) -> FakeResponse {
        switch method {
        case "GET":
            switch readable() {
            case .failure(let failure): return error(failure.status, failure.message)
            case .success(let config):
                guard let server = config[backend: backend]?.servers.first(where: { $0["name"]?.stringValue == name })
                else { return error(404, "server \(name) does not exist in backend \(backend)") }
                return read(.object(server))
            }
        case "PUT":
            return replaceServer(backend: backend, name: name)
        case "DELETE":
            return deleteServer(backend: backend, name: name)
        default:
            return error(405, "method \(method) not allowed")
        }
    }

    mutating func createServer(backend: String) -> FakeResponse {
        let fields: [String: JSONValue]
        switch bodyObject().flatMap({ FakeValidation.server($0, apiVersion) }) {
        case .failure(let failure): return error(failure.status, failure.message)
        case .success(let valid): fields = valid
        }
        let name = fields["name"]!.stringValue!
        let runtimeAdd = apiVersion == .v3 && state.runtimeAPIAvailable
        return write(backend: backend, server: name, successStatus: 201, body: .object(fields)) { config, live in
            guard var parent = config[backend: backend] else {
                return .failure(FakeError(400, "parent backend \(backend) does not exist"))
            }
            guard parent.serverIndex(name) == nil else {
                return .failure(FakeError(409, "server \(name) already exists in backend \(backend)"))
            }
            parent.servers.append(fields)
            config[backend: backend] = parent
            let dynamic = runtimeAdd && parent.fields["default_server"] == nil
            return .success(live && dynamic ? .runtime : .reload)
        }
    }

    mutating func replaceServer(backend: String, name: String) -> FakeResponse {
        let fields: [String: JSONValue]
        switch bodyObject().flatMap({ FakeValidation.server($0, apiVersion) }) {
        case .failure(let failure): return error(failure.status, failure.message)
        case .success(let valid): fields = valid
        }
        guard fields["name"]?.stringValue == name else {
            return error(400, "server name in body '\(fields["name"]?.stringValue ?? "")' does not match path '\(name)'")
        }
        let runtimeAvailable = state.runtimeAPIAvailable
        var setsState = false
        let response = write(backend: backend, server: name, successStatus: 200, body: .object(fields)) { config, live in
            guard var parent = config[backend: backend] else {
                return .failure(FakeError(400, "parent backend \(backend) does not exist"))
            }
            guard let index = parent.serverIndex(name) else {
                return .failure(FakeError(404, "server \(name) does not exist in backend \(backend)"))
            }
            let old = parent.servers[index]
            parent.servers[index] = fields
            config[backend: backend] = parent
            let changed = Set(old.keys).union(fields.keys).filter { old[$0] != fields[$0] }
            if changed.isEmpty { return .success(.unchanged) }
            if runtimeAvailable && changed.isSubset(of: FakeDataPlaneAPI.runtimeServerFields) {
                // `set server state maint|ready` follows a changed `maintenance`: a runtime drain ends.
                setsState = live && changed.contains("maintenance")
                return .success(.runtime)
            }
            return .success(.reload)
        }
        if setsState { state.runtimeAdminStates[backend + "/" + name] = nil }
        return response
    }

    mutating func deleteServer(backend: String, name: String) -> FakeResponse {
        write(backend: backend, server: name, successStatus: 204, body: nil) { config, _ in
            guard var parent = config[backend: backend], let index = parent.serverIndex(name) else {
                return .failure(FakeError(404, "server \(name) does not exist in backend \(backend)"))
            }
            parent.servers.remove(at: index)
            config[backend: backend] = parent
            return .success(.reload)
        }
    }
}
