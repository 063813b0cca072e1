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
/// - `GET /info` names the release (``release``). From 3.1 on, `full_section=true` on the backend endpoints
///   reads and writes a backend with its children (`servers` as a map by name, rule lists, ...); without it,
///   or on an older release (which ignores the parameter, as the real one does), only the backend's own
///   fields are read or written and its children stay as they are. See `FakeDataPlaneAPI+Backends.swift`.
/// - The runtime server endpoints (`/runtime/servers`) read and set `admin_state` (ready, maint, drain)
///   as HAProxy holds it: transient, never in haproxy.cfg, no version bump and no reload; lost on a reload
///   (the state then follows the configuration's `maintenance` again). See `FakeDataPlaneAPI+Runtime.swift`.
///
/// Routes live by resource in `FakeDataPlaneAPI+Transactions.swift`, `+Backends.swift`, `+Servers.swift` and
/// `+Runtime.swift`; the state and the shared write rules in `FakeDataPlaneAPI+State.swift`.
public final class FakeDataPlaneAPI: Sendable {
    public let apiVersion: DataPlaneAPIVersion
    /// What `GET /info` answers as `api.version`; from 3.1 on the backend endpoints take `full_section`.
    public let release: String
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
        initialVersion: Int = 1,
        release: String? = nil
    ) {
        self.apiVersion = apiVersion
        self.release = release ?? (apiVersion == .v3 ? "v3.4.2 8613429" : "v2.9.27 b6dd9a2")
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
        if request.method == "GET", request.path == apiVersion.basePath + "/info" {
            return .json(200, ["api": ["version": .string(release), "build_date": "2026-11-01T00:00:00.000Z"], "system": [:]])
        }
        let prefix = apiVersion.basePath + "/services/haproxy"
        guard request.path.hasPrefix(prefix + "/") else {
            return .error(404, "path \(request.path) not found", version: state.version)
        }
        let segments = request.path.dropFirst(prefix.count + 1).split(separator: "/", omittingEmptySubsequences: false)
            .map { String($0).removingPercentEncoding ?? String($0) }
        var context = Context(
            request: request,
            apiVersion: apiVersion,
            fullSectionSupported: DataPlaneRelease(versionString: release)?.supportsFullSection ?? false,
            state: state
        )
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
