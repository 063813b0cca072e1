import Foundation
import HAProxySink

/// The backend endpoints of the fake: `/services/haproxy/configuration/backends[/{name}]` (list, read, create,
/// replace). Every backend write reloads.
extension FakeDataPlaneAPI.Context {
    func listBackends() -> FakeResponse {
        switch readable() {
        case .failure(let failure): return error(failure.status, failure.message)
        case .success(let config): return read(.array(config.orderedBackends.map { .object($0.fields) }))
        }
    }

    func getBackend(_ name: String) -> FakeResponse {
        switch readable() {
        case .failure(let failure): return error(failure.status, failure.message)
        case .success(let config):
            guard let backend = config[backend: name] else {
                return error(404, "backend \(name) does not exist")
            }
            return read(.object(backend.fields))
        }
    }

    mutating func createBackend() -> FakeResponse {
        let fields: [String: JSONValue]
        switch bodyObject().flatMap({ FakeValidation.backend($0, apiVersion) }) {
        case .failure(let failure): return error(failure.status, failure.message)
        case .success(let valid): fields = valid
        }
        let name = fields["name"]!.stringValue!
        return write(backend: name, server: nil, successStatus: 201, body: .object(fields)) { config, _ in
            guard config[backend: name] == nil else {
                return .failure(FakeError(409, "backend \(name) already exists"))
            }
            config[backend: name] = FakeHAProxyConfiguration.Backend(fields: fields)
            return .success(.reload)
        }
    }

    /// `replaceBackend`: the backend's own fields are replaced, its servers kept (no `full_section`).
    mutating func replaceBackend(_ name: String) -> FakeResponse {
        let fields: [String: JSONValue]
        switch bodyObject().flatMap({ FakeValidation.backend($0, apiVersion) }) {
        case .failure(let failure): return error(failure.status, failure.message)
        case .success(let valid): fields = valid
        }
        guard fields["name"]?.stringValue == name else {
            return error(400, "backend name in body '\(fields["name"]?.stringValue ?? "")' does not match path '\(name)'")
        }
        return write(backend: name, server: nil, successStatus: 200, body: .object(fields)) { config, _ in
            guard var backend = config[backend: name] else {
                return .failure(FakeError(404, "backend \(name) does not exist"))
            }
            if backend.fields == fields { return .success(.unchanged) }
            backend.fields = fields
            config[backend: name] = backend
            return .success(.reload)
        }
    }
}
