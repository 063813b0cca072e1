import Foundation
import HAProxySink

/// The fake's state and the request context every route handler extends: shared reads, write scoping
/// (`version` xor `transaction_id`) and the runtime-or-reload decision of each write.
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
        /// The release takes `full_section` (3.1+).
        var fullSectionSupported: Bool
        var state: State

        /// The request asks for the whole section and the release knows what that means.
        var isFullSection: Bool { fullSectionSupported && request.query["full_section"] == "true" }

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

        // MARK: Reads shared by every route

        /// The configuration a read sees: the transaction's copy when one is named.
        func readable() -> Result<FakeHAProxyConfiguration, FakeError> {
            guard let id = request.query["transaction_id"] else { return .success(state.config) }
            guard let transaction = state.transactions[id] else {
                return .failure(FakeError(400, "transaction \(id) does not exist"))
            }
            return .success(transaction.config)
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
