import Foundation
import HAProxySink

/// The backend endpoints of the fake: `/services/haproxy/configuration/backends[/{name}]` (list, read, create,
/// replace). Every backend write reloads.
///
/// `full_section=true` (3.1+, ``FakeDataPlaneAPI/Context/isFullSection``): reads return the backend with its
/// children (`servers` as a map by name, left out when empty like the Go model's `omitempty`; rule lists as
/// stored); a create or replace writes the children of the body too, a replace dropping every child the body
/// does not carry (client-native deletes the section and writes it anew). Without it, only the backend's own
/// fields are read or written: children in a body are ignored and the stored ones kept. The real API writes a
/// `servers` map in Go map order; the fake keeps them in slot order (`srv2` before `srv10`, other names after),
/// so that tests are deterministic.
extension FakeDataPlaneAPI.Context {
    func listBackends() -> FakeResponse {
        switch readable() {
        case .failure(let failure): return error(failure.status, failure.message)
        case .success(let config): return read(.array(config.orderedBackends.map(representation)))
        }
    }

    func getBackend(_ name: String) -> FakeResponse {
        switch readable() {
        case .failure(let failure): return error(failure.status, failure.message)
        case .success(let config):
            guard let backend = config[backend: name] else {
                return error(404, "backend \(name) does not exist")
            }
            return read(representation(backend))
        }
    }

    mutating func createBackend() -> FakeResponse {
        let section: FakeHAProxyConfiguration.Backend
        switch bodyObject().flatMap({ FakeValidation.backend($0, apiVersion) }).flatMap({ writtenSection(from: $0) }) {
        case .failure(let failure): return error(failure.status, failure.message)
        case .success(let valid): section = valid
        }
        let name = section.fields["name"]!.stringValue!
        return write(backend: name, server: nil, successStatus: 201, body: representation(section)) { config, _ in
            guard config[backend: name] == nil else {
                return .failure(FakeError(409, "backend \(name) already exists"))
            }
            config[backend: name] = section
            return .success(.reload)
        }
    }

    /// `replaceBackend`: the backend's own fields are replaced and its children kept; with `full_section`
    /// the children are replaced too.
    mutating func replaceBackend(_ name: String) -> FakeResponse {
        let section: FakeHAProxyConfiguration.Backend
        switch bodyObject().flatMap({ FakeValidation.backend($0, apiVersion) }).flatMap({ writtenSection(from: $0) }) {
        case .failure(let failure): return error(failure.status, failure.message)
        case .success(let valid): section = valid
        }
        guard section.fields["name"]?.stringValue == name else {
            return error(
                400, "backend name in body '\(section.fields["name"]?.stringValue ?? "")' does not match path '\(name)'"
            )
        }
        let fullSection = isFullSection
        return write(backend: name, server: nil, successStatus: 200, body: representation(section)) { config, _ in
            guard let old = config[backend: name] else {
                return .failure(FakeError(404, "backend \(name) does not exist"))
            }
            var new = section
            if !fullSection {
                new.servers = old.servers
                for (key, value) in old.fields where DataPlaneBackendSection.childKeys.contains(key) {
                    new.fields[key] = value
                }
            }
            if new == old { return .success(.unchanged) }
            config[backend: name] = new
            return .success(.reload)
        }
    }

    /// A backend as a read returns it: its own fields, plus its children when the whole section is asked for.
    func representation(_ backend: FakeHAProxyConfiguration.Backend) -> JSONValue {
        guard isFullSection else {
            return .object(backend.fields.filter { !DataPlaneBackendSection.childKeys.contains($0.key) })
        }
        var fields = backend.fields
        if !backend.servers.isEmpty {
            fields["servers"] = .object(
                Dictionary(backend.servers.map { ($0["name"]?.stringValue ?? "", JSONValue.object($0)) }) { first, _ in first }
            )
        }
        return .object(fields)
    }

    /// What a create or replace body writes: without `full_section` only the own fields; with it the children
    /// too, each server validated like a server write.
    func writtenSection(from body: [String: JSONValue]) -> Result<FakeHAProxyConfiguration.Backend, FakeError> {
        guard isFullSection else {
            return .success(.init(fields: body.filter { !DataPlaneBackendSection.childKeys.contains($0.key) }))
        }
        var fields = body
        var servers: [[String: JSONValue]] = []
        if let map = fields.removeValue(forKey: "servers") {
            guard let entries = map.objectValue else {
                return .failure(FakeError(422, "backend.servers in body must be a map of servers"))
            }
            for (key, value) in entries {
                guard let object = value.objectValue else {
                    return .failure(FakeError(422, "backend.servers.\(key) in body must be a server object"))
                }
                switch FakeValidation.server(object, apiVersion) {
                case .failure(let failure): return .failure(failure)
                case .success(let server): servers.append(server)
                }
            }
        }
        servers.sort { DataPlaneBackendSection.slotOrder(DataPlaneServer(fields: $0), DataPlaneServer(fields: $1)) }
        for index in servers.indices.dropFirst() where servers[index]["name"] == servers[index - 1]["name"] {
            return .failure(FakeError(409, "server \(servers[index]["name"]?.stringValue ?? "") already exists"))
        }
        return .success(.init(fields: fields, servers: servers))
    }
}
