import Foundation
import HAProxySink

/// The version and transaction endpoints of the fake: `GET /services/haproxy/configuration/version` and
/// `/services/haproxy/transactions[/{id}]` (start, list, read, commit, delete).
extension FakeDataPlaneAPI.Context {
    func readVersion() -> FakeResponse {
        if let id = request.query["transaction_id"] {
            guard let transaction = state.transactions[id] else {
                return error(404, "transaction \(id) does not exist")
            }
            return .json(200, .int(transaction.baseVersion))
        }
        return .json(200, .int(state.version), headers: [("Configuration-Version", "\(state.version)")])
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
        let transaction = FakeDataPlaneAPI.Transaction(id: id, baseVersion: version, status: "in_progress", config: state.config)
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
}
