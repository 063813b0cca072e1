import Foundation
import HAProxySink
import Synchronization

/// An in-memory HAProxy Data Plane API (v2 or v3), written from the specifications and
/// `shared/reference/haproxy-dataplane.md`, that decides like the real one whether a write is applied
/// through the runtime API or needs a reload.
///
/// Rules it follows:
/// - Basic auth on every request (401 otherwise).
/// - Every write names either `version` (must equal the configuration version, else 409 "version
///   mismatch") or `transaction_id`, never both or neither (400). Each accepted non-transactional write
///   and each commit bumps the version.
/// - Outside a transaction: a server `PUT` that changes only weight, address, port, maintenance, agent
///   or health-check-port fields answers 200 and is applied at runtime (no reload); any other change
///   answers 202 with a `Reload-ID`. A server `POST` is a runtime `add server` (201) only in v3 when no
///   `default_server` applies; otherwise 202. `DELETE` of a server and any backend write (create, or `PUT`
///   replacing its fields while keeping its servers) always reload.
/// - Inside a transaction every write answers 202 without `Reload-ID`; the commit reloads once (202 +
///   `Reload-ID`), answers 409 if the version moved and 406 if the transaction is outdated; a successful
///   commit outdates the other open transactions started on the same or an older version.
/// - v2 wraps GET lists in `{_version, data}` and addresses servers with `?backend=`; v3 answers bare
///   lists under `/backends/{parent_name}/servers`. Servers of a missing backend list as empty (200).
/// - Errors are `{code, message}`; GETs and errors carry `Configuration-Version`.
/// - The runtime server endpoints (`/runtime/servers`) read and set `admin_state` (ready, maint, drain)
///   as HAProxy holds it: transient, never in haproxy.cfg, no version bump and no reload; lost on a reload
///   (the state then follows the configuration's `maintenance` again). See `FakeDataPlaneAPI+Runtime.swift`.
public final class FakeDataPlaneAPI: Sendable {
    public let apiVersion: DataPlaneAPIVersion
    public let username: String
    public let password: String

    private let state: Mutex<State>

    /// Runtime-capable server fields (`runtimeSupportedServerFields` in the Data Plane API).
    static let runtimeServerFields: Set<String> = [
        "weight", "address", "port", "maintenance", "agent-check", "agent-addr", "agent-send", "health_check_port",
    ]

    static let maxOpenTransactions = 20

    public init(
        apiVersion: DataPlaneAPIVersion,
        username: String = "admin",
        password: String = "s3cret",
        runtimeAPIAvailable: Bool = true,
        initialVersion: Int = 1
    ) {
        self.apiVersion = apiVersion
        self.username = username
        self.password = password
        self.state = Mutex(State(version: initialVersion, runtimeAPIAvailable: runtimeAPIAvailable))
    }

    // MARK: Test controls and inspection

    public var counters: FakeCounters { state.withLock { $0.counters } }
    public var version: Int { state.withLock { $0.version } }
    public var configuration: FakeHAProxyConfiguration { state.withLock { $0.config } }
    public var writes: [FakeWrite] { state.withLock { $0.writes } }
    public var requestLog: [FakeLoggedRequest] { state.withLock { $0.log } }
    public var openTransactions: [String] {
        state.withLock { $0.transactions.values.filter { $0.status == "in_progress" }.map(\.id).sorted() }
    }
    /// Every transaction not yet deleted, whatever its status (a committed one is kept, like the API does).
    public var undeletedTransactions: [String] {
        state.withLock { $0.transactions.values.filter { $0.status != "success" }.map(\.id).sorted() }
    }

    public func servers(in backend: String) -> [DataPlaneServer] {
        state.withLock { ($0.config[backend: backend]?.servers ?? []).map(DataPlaneServer.init(fields:)) }
    }

    /// The administrative state HAProxy has for a server now: `ready`, `maint` or `drain`; `nil` if it has no
    /// such server.
    public func adminState(backend: String, server: String) -> String? {
        state.withLock { $0.adminState(backend: backend, server: server) }
    }

    public func backend(_ name: String) -> DataPlaneBackend? {
        state.withLock { $0.config[backend: name].map { DataPlaneBackend(fields: $0.fields) } }
    }

    /// Someone else (an operator, another tool) writes to haproxy.cfg: the version moves on.
    public func editOutOfBand(_ edit: (inout FakeHAProxyConfiguration) -> Void) {
        state.withLock { state in
            edit(&state.config)
            state.version += 1
            state.counters.reloads += 1
            state.runtimeAdminStates = [:]
        }
    }

    public func inject(_ fault: FakeFault) {
        state.withLock { $0.faults.append(fault) }
    }

    /// The next `times` commits are preceded by someone else's write.
    public func interfereBeforeCommits(_ times: Int, with interference: FakeInterference) {
        state.withLock { $0.interferences += Array(repeating: interference, count: times) }
    }

    public func clearFaults() {
        state.withLock {
            $0.faults.removeAll()
            $0.interferences.removeAll()
        }
    }

    // MARK: Handling

    func handle(_ request: FakeRequest) -> FakeResponse {
        state.withLock { state in
            state.counters.requests += 1
            let response = respond(to: request, state: &state)
            state.log.append(
                FakeLoggedRequest(method: request.method, path: request.path, query: request.query, status: response.status)
            )
            return response
        }
    }

    private func respond(to request: FakeRequest, state: inout State) -> FakeResponse {
        guard authorized(request) else {
            return .error(401, "invalid username/password", version: state.version)
        }
        if let index = state.faults.firstIndex(where: { $0.matches(request) }) {
            let fault = state.faults[index]
            state.faults[index].times -= 1
            if state.faults[index].times <= 0 { state.faults.remove(at: index) }
            guard let status = fault.status else {
                return FakeResponse(status: 0, dropConnection: true)
            }
            return .error(status, fault.message, version: state.version)
        }
        let prefix = apiVersion.basePath + "/services/haproxy"
        guard request.path.hasPrefix(prefix + "/") else {
            return .error(404, "path \(request.path) not found", version: state.version)
        }
        let segments = request.path.dropFirst(prefix.count + 1).split(separator: "/", omittingEmptySubsequences: false)
            .map { String($0).removingPercentEncoding ?? String($0) }
        var context = Context(request: request, apiVersion: apiVersion, state: state)
        let response = route(segments, &context)
        state = context.state
        return response
    }

    private func authorized(_ request: FakeRequest) -> Bool {
        guard let header = request.header("Authorization"), header.hasPrefix("Basic "),
            let decoded = Data(base64Encoded: String(header.dropFirst(6))).map({ String(decoding: $0, as: UTF8.self) })
        else { return false }
        return decoded == "\(username):\(password)"
    }

    private func route(_ segments: [String], _ context: inout Context) -> FakeResponse {
        let method = context.request.method
        let path = FakeRoutePath(segments)
        if method == "GET", path.matches("configuration", "version") != nil {
            return context.readVersion()
        }
        if path.matches("configuration", "backends") != nil {
            switch method {
            case "GET": return context.listBackends()
            case "POST": return context.createBackend()
            default: break
            }
        }
        if let captured = path.matches("configuration", "backends", "*") {
            switch method {
            case "GET": return context.getBackend(captured[0])
            case "PUT": return context.replaceBackend(captured[0])
            default: break
            }
        }
        if path.matches("transactions") != nil {
            switch method {
            case "GET": return context.listTransactions()
            case "POST": return context.startTransaction()
            default: break
            }
        }
        if let captured = path.matches("transactions", "*") {
            switch method {
            case "GET": return context.getTransaction(captured[0])
            case "PUT": return context.commitTransaction(captured[0])
            case "DELETE": return context.deleteTransaction(captured[0])
            default: break
            }
        }
        if let response = context.runtimeRoute(path) { return response }
        switch apiVersion {
        case .v3:
            if let captured = path.matches("configuration", "backends", "*", "servers") {
                return context.servers(method: method, backend: captured[0])
            }
            if let captured = path.matches("configuration", "backends", "*", "servers", "*") {
                return context.server(method: method, backend: captured[0], name: captured[1])
            }
        case .v2:
            let backend = context.request.query["backend"] ?? context.request.query["parent_name"]
            if path.matches("configuration", "servers") != nil {
                guard let backend else { return context.error(400, "parent name or backend not specified") }
                return context.servers(method: method, backend: backend)
            }
            if let captured = path.matches("configuration", "servers", "*") {
                guard let backend else { return context.error(400, "parent name or backend not specified") }
                return context.server(method: method, backend: backend, name: captured[0])
            }
        }
        return context.error(404, "path \(context.request.path) with method \(method) not found")
    }
}

/// Path segments matched against a pattern where `*` captures one segment.
struct FakeRoutePath {
    let segments: [String]
    init(_ segments: [String]) { self.segments = segments }

    func matches(_ pattern: String...) -> [String]? {
        guard pattern.count == segments.count else { return nil }
        var captured: [String] = []
        for (expected, actual) in zip(pattern, segments) {
            if expected == "*" {
                captured.append(actual)
            } else if expected != actual {
                return nil
            }
        }
        return captured
    }
}

// MARK: - State

extension FakeDataPlaneAPI {
    struct Transaction: Sendable {
        var id: String
        var baseVersion: Int
        var status: String
        var config: FakeHAProxyConfiguration

        var json: JSONValue { ["_version": .int(baseVersion), "id": .string(id), "status": .string(status)] }
    }

    struct State: Sendable {
        var version: Int
        var runtimeAPIAvailable: Bool
        var config = FakeHAProxyConfiguration()
        var transactions: [String: Transaction] = [:]
        var transactionSerial = 0
        var reloadSerial = 0
        var counters = FakeCounters()
        var writes: [FakeWrite] = []
        var log: [FakeLoggedRequest] = []
        var faults: [FakeFault] = []
        var interferences: [FakeInterference] = []
        /// `backend/server` → admin state set at runtime, overriding what the configuration says until a
        /// reload or a runtime-applied change of `maintenance`.
        var runtimeAdminStates: [String: String] = [:]

        init(version: Int, runtimeAPIAvailable: Bool) {
            self.version = version
            self.runtimeAPIAvailable = runtimeAPIAvailable
        }

        mutating func queueReload() -> String {
            reloadSerial += 1
            counters.reloads += 1
            runtimeAdminStates = [:]
            return "2026-11-27-\(reloadSerial)"
        }
    }

    /// Where a write lands and how it is answered.
    enum WriteScope {
        case live
        case transaction(String)
    }

    /// One request being handled, with the state it may change.
    struct Context {
        var request: FakeRequest
        var apiVersion: DataPlaneAPIVersion
        var state: State

        func error(_ status: Int, _ message: String) -> FakeResponse {
            .error(status, message, version: state.version)
        }

        /// A GET body: bare in v3, `{_version, data}` in v2.
        func read(_ data: JSONValue) -> FakeResponse {
            let body: JSONValue =
                switch apiVersion {
                case .v2: ["_version": .int(state.version), "data": data]
                case .v3: data
                }
            return .json(200, body, headers: [("Configuration-Version", "\(state.version)")])
        }

        // MARK: Reads

        func readVersion() -> FakeResponse {
            if let id = request.query["transaction_id"] {
                guard let transaction = state.transactions[id] else {
                    return error(404, "transaction \(id) does not exist")
                }
                return .json(200, .int(transaction.baseVersion))
            }
            return .json(200, .int(state.version), headers: [("Configuration-Version", "\(state.version)")])
        }

        /// The configuration a read sees: the transaction's copy when one is named.
        func readable() -> Result<FakeHAProxyConfiguration, FakeError> {
            guard let id = request.query["transaction_id"] else { return .success(state.config) }
            guard let transaction = state.transactions[id] else {
                return .failure(FakeError(400, "transaction \(id) does not exist"))
            }
            return .success(transaction.config)
        }

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

        func listTransactions() -> FakeResponse {
            let status = request.query["status"]
            let list = state.transactions.values
                .filter { status == nil || $0.status == status }
                .sorted { $0.id < $1.id }
                .map(\.json)
            return .json(200, .array(list))
        }

        func getTransaction(_ id: String) -> FakeResponse {
            guard let transaction = state.transactions[id] else {
                return error(404, "transaction \(id) does not exist")
            }
            return .json(200, transaction.json)
        }

        // MARK: Transactions

        mutating func startTransaction() -> FakeResponse {
            guard let text = request.query["version"], let version = Int(text) else {
                return error(400, "version not specified")
            }
            guard version == state.version else {
                return error(
                    409,
                    "version mismatch: version in configuration file is \(state.version), given version is \(version)"
                )
            }
            let open = state.transactions.values.filter { $0.status == "in_progress" }.count
            guard open < FakeDataPlaneAPI.maxOpenTransactions else {
                return error(429, "cannot start a new transaction, reached the maximum of \(open) open transactions")
            }
            state.transactionSerial += 1
            let serial = String(state.transactionSerial)
            let id = "00000000-0000-4000-8000-" + String(repeating: "0", count: max(0, 12 - serial.count)) + serial
            let transaction = Transaction(id: id, baseVersion: version, status: "in_progress", config: state.config)
            state.transactions[id] = transaction
            return .json(201, transaction.json)
        }

        mutating func commitTransaction(_ id: String) -> FakeResponse {
            guard var transaction = state.transactions[id] else {
                return error(404, "transaction \(id) does not exist")
            }
            if transaction.status == "in_progress", !state.interferences.isEmpty {
                switch state.interferences.removeFirst() {
                case .outOfBandWrite:
                    state.version += 1
                    state.counters.reloads += 1
                case .competingTransaction:
                    state.version += 1
                    state.counters.reloads += 1
                    state.transactions[id]?.status = "outdated"
                    transaction.status = "outdated"
                }
            }
            guard transaction.status == "in_progress" else {
                return error(406, "transaction \(id) is \(transaction.status) and cannot be committed")
            }
            guard transaction.baseVersion == state.version else {
                return error(
                    409,
                    "version mismatch: version in configuration file is \(state.version), "
                        + "given version is \(transaction.baseVersion)"
                )
            }
            if request.query["force_reload"] == "true" {
                // Synchronous reload: same effect for counting.
            }
            state.config = transaction.config
            state.version += 1
            transaction.status = "success"
            state.transactions[id] = transaction
            for (otherID, other) in state.transactions where other.status == "in_progress" {
                if other.baseVersion <= transaction.baseVersion {
                    state.transactions[otherID]?.status = "outdated"
                }
            }
            state.counters.commits += 1
            let reloadID = state.queueReload()
            var headers: [(name: String, value: String)] = [("Reload-ID", reloadID)]
            if apiVersion == .v3 {
                headers.append(("Configuration-Version", "\(state.version)"))
            }
            return .json(202, transaction.json, headers: headers)
        }

        mutating func deleteTransaction(_ id: String) -> FakeResponse {
            guard state.transactions.removeValue(forKey: id) != nil else {
                return error(404, "transaction \(id) does not exist")
            }
            return FakeResponse(status: 204)
        }

        // MARK: Writes

        /// Resolves `version` xor `transaction_id` like `CheckTransactionOrVersion`.
        func writeScope() -> Result<WriteScope, FakeError> {
            let id = request.query["transaction_id"]
            let version = request.query["version"]
            switch (id, version) {
            case (.some, .some):
                return .failure(FakeError(400, "both version and transaction specified, specify only one"))
            case (nil, nil):
                return .failure(FakeError(400, "version or transaction not specified, specify only one"))
            case (.some(let id), nil):
                if request.query["force_reload"] == "true" {
                    return .failure(FakeError(400, "force_reload and transaction_id cannot be used together"))
                }
                guard let transaction = state.transactions[id] else {
                    return .failure(FakeError(400, "transaction \(id) does not exist"))
                }
                guard transaction.status == "in_progress" else {
                    return .failure(FakeError(400, "transaction \(id) is \(transaction.status)"))
                }
                return .success(.transaction(id))
            case (nil, .some(let text)):
                guard let given = Int(text) else { return .failure(FakeError(400, "version must be an integer")) }
                guard given == state.version else {
                    return .failure(
                        FakeError(
                            409,
                            "version mismatch: version in configuration file is \(state.version), given version is \(given)"
                        )
                    )
                }
                return .success(.live)
            }
        }

        /// Runs `change` on the configuration the write targets and answers like the API.
        mutating func write(
            backend: String,
            server: String?,
            successStatus: Int,
            body: JSONValue?,
            change: (inout FakeHAProxyConfiguration, _ live: Bool) -> Result<FakeWrite.Effect, FakeError>
        ) -> FakeResponse {
            let scope: WriteScope
            switch writeScope() {
            case .failure(let failure): return error(failure.status, failure.message)
            case .success(let resolved): scope = resolved
            }
            switch scope {
            case .transaction(let id):
                var config = state.transactions[id]!.config
                switch change(&config, false) {
                case .failure(let failure): return error(failure.status, failure.message)
                case .success:
                    state.transactions[id]!.config = config
                    state.counters.writes += 1
                    state.writes.append(FakeWrite(method: request.method, backend: backend, server: server, effect: .staged))
                    return body.map { FakeResponse.json(202, $0) } ?? FakeResponse(status: 202)
                }
            case .live:
                var config = state.config
                switch change(&config, true) {
                case .failure(let failure): return error(failure.status, failure.message)
                case .success(let effect):
                    state.config = config
                    state.version += 1
                    state.counters.writes += 1
                    state.writes.append(FakeWrite(method: request.method, backend: backend, server: server, effect: effect))
                    switch effect {
                    case .reload:
                        let reloadID = state.queueReload()
                        return body.map { FakeResponse.json(202, $0, headers: [("Reload-ID", reloadID)]) }
                            ?? FakeResponse(status: 202, headers: [("Reload-ID", reloadID)])
                    case .runtime, .unchanged, .staged:
                        if effect == .runtime { state.counters.runtimeChanges += 1 }
                        return body.map { FakeResponse.json(successStatus, $0) } ?? FakeResponse(status: successStatus)
                    }
                }
            }
        }

        func bodyObject() -> Result<[String: JSONValue], FakeError> {
            guard let value = try? JSONValue.decode(request.body), let object = value.objectValue else {
                return .failure(FakeError(400, "request body must be a JSON object"))
            }
            return .success(object)
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
}

struct FakeError: Error, Sendable {
    var status: Int
    var message: String
    init(_ status: Int, _ message: String) {
        self.status = status
        self.message = message
    }
}
