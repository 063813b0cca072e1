import Foundation
import HTTPSupport
import Logging
import ProviderKit
import Synchronization

/// A client for the parts of the HAProxy Data Plane API (v2 and v3) that discovery needs: the configuration
/// version, backends, servers and transactions.
///
/// Every request carries basic auth and the configured timeout. Every non-2xx answer becomes a
/// ``DataPlaneError`` carrying the API's `{code, message}`. Requests are counted (``requestCount``) so a
/// sink can report what a cycle cost.
///
/// Requests go through HTTPSupport's transport: the process-wide client for the TLS settings
/// (`verify_ssl`, `ca_file`), the per-request timeout and a cap on the answer's size. Requests are not
/// retried here: a write is not idempotent, and the sink retries a conflicting transaction from a fresh read.
public final class DataPlaneClient: Sendable {
    /// The cap on an answer: a backend list of thousands of servers is a few MB.
    public static let maximumBodyBytes = 32 * 1024 * 1024

    public let configuration: DataPlaneClientConfiguration
    private let transport: any HTTPTransport
    private let apiRoot: String
    let routes: DataPlaneRoutes
    private let authorization: String?
    /// What must never appear in an error: the Authorization value, its base64 part, the password.
    private let secrets: [String]
    private let logger: Logger
    private let requests = Mutex(0)
    /// Whether the server takes `full_section` (asked once, see ``supportsFullSection()``).
    let fullSectionSupport = Mutex<Bool?>(nil)

    public init(configuration: DataPlaneClientConfiguration, logger: Logger = Logger(label: "discoveryd.dataplane"))
        throws
    {
        self.configuration = configuration
        self.apiRoot = try configuration.apiRoot()
        self.routes = DataPlaneRoutes(version: configuration.apiVersion)
        self.logger = logger
        if let username = configuration.username {
            let credentials = Data("\(username):\(configuration.password ?? "")".utf8).base64EncodedString()
            self.authorization = "Basic \(credentials)"
            // Longest first, so that the header is masked whole rather than around its base64 part.
            self.secrets = ["Basic \(credentials)", credentials, configuration.password ?? ""].filter { $0.count >= 3 }
        } else {
            self.authorization = nil
            self.secrets = configuration.password.map { [$0] } ?? []
        }
        if let refusal = configuration.insecureTransportRefusal { throw refusal }
        for warning in configuration.transportWarnings {
            logger.warning("\(warning)")
        }
        let trust =
            configuration.usesTLS
            ? TLSTrust(caFile: configuration.caFile, verifiesCertificates: configuration.verifySSL) : TLSTrust()
        do {
            self.transport = try AsyncHTTPTransport.make(
                trust: trust, configurationKey: "haproxy.ca_file", maximumBodyBytes: Self.maximumBodyBytes
            )
        } catch let error as HTTPTransportError {
            throw DataPlaneError(code: .invalidConfiguration, message: error.message)
        }
    }

    /// Nothing to release: the HTTP clients are process-wide (HTTPSupport's `SharedHTTPClients`). Kept so
    /// callers need not know that.
    public func shutdown() async throws {}

    /// Requests sent so far, whatever their outcome.
    public var requestCount: Int { requests.withLock { $0 } }

    // MARK: Reads

    /// The current configuration version (`# _version=N` in haproxy.cfg).
    public func configurationVersion() async throws -> Int {
        let response = try await send(.GET, routes.configurationVersion)
        let body = try response.json()
        guard let version = body.intValue ?? body["data"]?.intValue else {
            throw response.malformed("expected an integer configuration version")
        }
        return version
    }

    public func backends(transaction: String? = nil) async throws -> [DataPlaneBackend] {
        let response = try await send(.GET, routes.backends.reading(in: transaction))
        return try response.list().map { DataPlaneBackend(fields: try response.object($0)) }
    }

    /// The servers of `backend`; empty when the backend does not exist (the API answers 200 with no servers).
    public func servers(inBackend backend: String, transaction: String? = nil) async throws -> [DataPlaneServer] {
        let response = try await send(.GET, routes.servers(backend: backend).reading(in: transaction))
        return try response.list().map { DataPlaneServer(fields: try response.object($0)) }
    }

    // MARK: Writes

    @discardableResult
    public func createBackend(_ backend: DataPlaneBackend, target: DataPlaneWriteTarget) async throws
        -> DataPlaneWriteOutcome
    {
        try await write(.POST, routes.backends, body: .object(backend.fields), target: target)
    }

    /// Replaces the backend's own fields (name, mode, balance, description ...); its servers stay as they are.
    /// Always a reload outside a transaction.
    @discardableResult
    public func replaceBackend(_ backend: DataPlaneBackend, target: DataPlaneWriteTarget) async throws
        -> DataPlaneWriteOutcome
    {
        try await write(.PUT, routes.backend(backend.name), body: .object(backend.fields), target: target)
    }

    @discardableResult
    public func createServer(_ server: DataPlaneServer, inBackend backend: String, target: DataPlaneWriteTarget)
        async throws -> DataPlaneWriteOutcome
    {
        try await write(.POST, routes.servers(backend: backend), body: .object(server.fields), target: target)
    }

    /// Replaces the whole server. Outside a transaction, a change of only address, port, maintenance or
    /// weight is applied through HAProxy's runtime API without a reload.
    @discardableResult
    public func replaceServer(_ server: DataPlaneServer, inBackend backend: String, target: DataPlaneWriteTarget)
        async throws -> DataPlaneWriteOutcome
    {
        try await write(
            .PUT,
            routes.server(server.name, backend: backend),
            body: .object(server.fields),
            target: target
        )
    }

    /// Always a reload outside a transaction: there is no runtime path for deletion here.
    @discardableResult
    public func deleteServer(named name: String, inBackend backend: String, target: DataPlaneWriteTarget)
        async throws -> DataPlaneWriteOutcome
    {
        try await write(.DELETE, routes.server(name, backend: backend), body: nil, target: target)
    }

    // MARK: Runtime state

    /// The administrative state (`ready`, `maint`, `drain`) HAProxy has for each server of `backend` now,
    /// by server name. Runtime state, not configuration: it is lost when HAProxy reloads.
    public func runtimeAdminStates(inBackend backend: String) async throws -> [String: String] {
        let response = try await send(.GET, routes.runtimeServers(backend: backend))
        var states: [String: String] = [:]
        for item in try response.json().arrayValue ?? [] {
            if let name = item["name"]?.stringValue, let state = item["admin_state"]?.stringValue { states[name] = state }
        }
        return states
    }

    /// Sets a server's administrative state at runtime (`set server … state`): no configuration change, no
    /// version bump, no reload. `drain` lets live connections finish and sends no new ones.
    public func setRuntimeAdminState(_ state: String, server: String, inBackend backend: String) async throws {
        _ = try await send(.PUT, routes.runtimeServer(server, backend: backend), body: ["admin_state": .string(state)])
    }

    // MARK: Transactions

    /// Starts a transaction on `version`; 409 if the configuration moved on since.
    public func startTransaction(version: Int) async throws -> DataPlaneTransaction {
        let response = try await send(.POST, routes.transactions.adding("version", String(version)))
        return try response.decode(DataPlaneTransaction.self)
    }

    /// Commits: HAProxy reloads. 406 when the transaction is outdated or failed, 409 on a version mismatch.
    @discardableResult
    public func commitTransaction(id: String) async throws -> DataPlaneWriteOutcome {
        let response = try await send(.PUT, routes.transaction(id))
        return response.outcome(reloaded: true)
    }

    public func deleteTransaction(id: String) async throws {
        _ = try await send(.DELETE, routes.transaction(id))
    }

    // MARK: Plumbing

    func write(
        _ method: DataPlaneMethod,
        _ route: DataPlaneRoutes.Route,
        body: JSONValue?,
        target: DataPlaneWriteTarget
    ) async throws -> DataPlaneWriteOutcome {
        try await write(method, route, encodedBody: body.map(JSONValueWriter.bytes), target: target)
    }

    /// ``write(_:_:body:target:)`` with a body already written as JSON bytes.
    func write(
        _ method: DataPlaneMethod,
        _ route: DataPlaneRoutes.Route,
        encodedBody: [UInt8]?,
        target: DataPlaneWriteTarget
    ) async throws -> DataPlaneWriteOutcome {
        let response = try await send(method, route.adding(target), encodedBody: encodedBody)
        switch target {
        case .transaction:
            return response.outcome(reloaded: false)
        case .version:
            // 200/201/204 mean applied at runtime (or nothing to do); 202 means a reload was queued.
            return response.outcome(reloaded: response.status == 202)
        }
    }

    func send(_ method: DataPlaneMethod, _ route: DataPlaneRoutes.Route, body: JSONValue? = nil) async throws
        -> DataPlaneResponse
    {
        try await send(method, route, encodedBody: body.map(JSONValueWriter.bytes))
    }

    func send(_ method: DataPlaneMethod, _ route: DataPlaneRoutes.Route, encodedBody: [UInt8]?) async throws
        -> DataPlaneResponse
    {
        let requestName = "\(method.rawValue) \(route.path)"
        var request = HTTPRequestData(
            method: method.rawValue, url: apiRoot + route.pathAndQuery, headers: [("Accept", "application/json")]
        )
        if let authorization {
            request.headers.append(("Authorization", authorization))
        }
        if let encodedBody {
            request.headers.append(("Content-Type", "application/json"))
            request.body = encodedBody
        }
        requests.withLock { $0 += 1 }
        logger.trace("data plane request", metadata: ["request": "\(requestName)"])

        let response: HTTPResponseData
        do {
            response = try await transport.send(request, timeout: configuration.timeout)
        } catch let error as HTTPTransportError {
            throw DataPlaneError(code: .transport, status: error.status, message: error.message, request: requestName)
        }
        let answer = DataPlaneResponse(request: requestName, response: response, routes: routes)
        guard response.isSuccess else {
            throw answer.error(hiding: secrets)
        }
        return answer
    }
}

/// The HTTP methods the Data Plane API is called with.
enum DataPlaneMethod: String, Sendable {
    case GET, POST, PUT, DELETE
}

/// One answer of the API, with helpers to decode it or turn it into an error.
struct DataPlaneResponse: Sendable {
    var request: String
    var status: Int
    var headers: [(name: String, value: String)]
    var body: Data
    var routes: DataPlaneRoutes

    init(request: String, response: HTTPResponseData, routes: DataPlaneRoutes) {
        self.request = request
        self.status = response.status
        self.headers = response.headers
        self.body = Data(response.body)
        self.routes = routes
    }

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    func json() throws -> JSONValue {
        do {
            return try JSONValueParser.parse(body)
        } catch {
            throw malformed("the body is not JSON")
        }
    }

    func list() throws -> [JSONValue] {
        guard let items = routes.unwrapList(try json()) else {
            throw malformed("expected a list\(routes.version == .v2 ? " wrapped in {_version, data}" : "")")
        }
        return items
    }

    func object(_ value: JSONValue) throws -> [String: JSONValue] {
        guard let object = value.objectValue else { throw malformed("expected a list of objects") }
        return object
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: body)
        } catch {
            throw malformed("cannot decode the answer: \(readableDescription(of: error))")
        }
    }

    func outcome(reloaded: Bool) -> DataPlaneWriteOutcome {
        DataPlaneWriteOutcome(
            status: status,
            reloadID: header("Reload-ID"),
            configurationVersion: header("Configuration-Version").flatMap { Int($0) },
            reloaded: reloaded
        )
    }

    func malformed(_ why: String) -> DataPlaneError {
        DataPlaneError(code: .malformedResponse, status: status, message: why, request: request)
    }

    /// Longest part of an API error body shown; the rest is counted, not printed.
    static let maximumErrorMessageLength = 500

    /// The API's `{code, message}` body, or the raw text when it sent something else: with every value of
    /// `secrets` (the Authorization header, the password) masked, control characters escaped, and capped
    /// at ``maximumErrorMessageLength`` characters. A proxy in front of the API may echo the request back.
    func error(hiding secrets: [String] = []) -> DataPlaneError {
        let decoded = try? JSONValueParser.parse(body)
        var message =
            decoded?["message"]?.stringValue
            ?? String(decoding: body.prefix(64 * 1024), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        for secret in secrets where !secret.isEmpty {
            message = message.replacingOccurrences(of: secret, with: "***")
        }
        message = UntrustedText.escaped(message, limit: Self.maximumErrorMessageLength)
        let text = message.isEmpty ? "HTTP \(status) with no body" : message
        return DataPlaneError(
            code: DataPlaneError.code(forStatus: status, message: text),
            status: status,
            message: text,
            request: request
        )
    }
}
