import Foundation

/// Azure Resource Graph's query API (`POST /providers/Microsoft.ResourceGraph/resources`), for the one
/// query discovery sends: the power states of the VMs of some resource groups.
///
/// Request and response follow the documented `QueryRequest` / `QueryResponse` (the official
/// `ResourcesFirstPageQuery` / `ResourcesNextPageQuery` examples): `subscriptions`, `query`,
/// `options.$top`, `options.$skipToken`, `options.resultFormat`; `totalRecords`, `count`,
/// `resultTruncated` (a string), `$skipToken`, `data`, `facets`. Every answer carries the throttling
/// headers `x-ms-user-quota-remaining` and `x-ms-user-quota-resets-after`. Like the service, it answers
/// only with what the identity may read.
extension FakeAzure {
    static func resourceGraph(_ request: FakeRequest, _ state: inout State) -> FakeResponse {
        guard ["2021-03-01", "2022-10-01", "2024-04-01"].contains(request.query["api-version"] ?? "") else {
            return unsupportedAPIVersion(request.query["api-version"] ?? "")
        }
        guard state.resourceGraphQuotaRemaining > 0 else {
            state.resourceGraphQuotaRemaining = 15
            return armError(
                429, "RateLimiting", "Please provide below info when asking for support: timestamp = ..., correlationId = ....",
                headers: quotaHeaders(remaining: 0, state)
            )
        }
        state.resourceGraphQuotaRemaining -= 1
        let headers = quotaHeaders(remaining: state.resourceGraphQuotaRemaining, state)

        guard let body = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any],
            let query = body["query"] as? String, let subscriptions = body["subscriptions"] as? [String]
        else {
            return armError(400, "BadRequest", "Please provide a valid query and the subscriptions to query.", headers: headers)
        }
        let options = body["options"] as? [String: Any] ?? [:]
        guard (options["resultFormat"] as? String ?? "objectArray") == "objectArray" else {
            return armError(400, "BadRequest", "The fake only answers with resultFormat objectArray.", headers: headers)
        }
        let compact = query.lowercased().filter { !$0.isWhitespace }
        guard compact.hasPrefix("resources|wheretype=~'microsoft.compute/virtualmachines'"),
            compact.contains("powerstate=tostring(properties.extended.instanceview.powerstate.code)"),
            compact.contains("orderbyid")
        else {
            return armError(400, "BadRequest", "Query is invalid or not one the fake understands: \(query)", headers: headers)
        }

        let fleet = state.fleet
        guard subscriptions.contains(where: { $0.lowercased() == fleet.subscriptionID.lowercased() }) else {
            return json(200, page(rows: [], total: 0, skipToken: nil), headers: headers)
        }
        let listedGroups = resourceGroupFilter(in: query)
        let readable = state.readableResourceGroups.map { Set($0.map { $0.lowercased() }) }
        let rows: [[String: Any]] = fleet.machines
            .filter { machine in
                let group = machine.resourceGroup.lowercased()
                return (listedGroups?.contains(group) ?? true) && (readable?.contains(group) ?? true)
            }
            .map { ["id": machineID($0, fleet, scaleSet: nil), "powerState": "PowerState/\($0.powerState)"] }
            .sorted { ($0["id"] as! String).lowercased() < ($1["id"] as! String).lowercased() }

        let top = min(options["$top"] as? Int ?? 100, 1000, state.resourceGraphPageSize)
        var offset = 0
        if let token = options["$skipToken"] as? String {
            guard let decoded = Data(base64Encoded: token).map({ String(decoding: $0, as: UTF8.self) }),
                decoded.hasPrefix("offset:"), let value = Int(decoded.dropFirst("offset:".count))
            else { return armError(400, "BadRequest", "The $skipToken is invalid.", headers: headers) }
            offset = value
        }
        let slice = offset < rows.count ? Array(rows[offset..<min(rows.count, offset + top)]) : []
        let next = offset + top < rows.count ? Data("offset:\(offset + top)".utf8).base64EncodedString() : nil
        return json(200, page(rows: slice, total: rows.count, skipToken: next), headers: headers)
    }

    private static func page(rows: [[String: Any]], total: Int, skipToken: String?) -> [String: Any] {
        var body: [String: Any] = [
            "totalRecords": total, "count": rows.count, "resultTruncated": "false", "facets": [] as [Any], "data": rows,
        ]
        if let skipToken { body["$skipToken"] = skipToken }
        return body
    }

    private static func quotaHeaders(remaining: Int, _ state: State) -> [(String, String)] {
        [("x-ms-user-quota-remaining", String(remaining)), ("x-ms-user-quota-resets-after", state.resourceGraphQuotaResetsAfter)]
    }

    /// The lower-cased names in `resourceGroup in~ ('a', 'b')`, or nil when the query has no such filter.
    static func resourceGroupFilter(in query: String) -> Set<String>? {
        guard let start = query.range(of: "resourceGroup in~ (", options: .caseInsensitive),
            let end = query[start.upperBound...].firstIndex(of: ")")
        else { return nil }
        let list = query[start.upperBound..<end]
        return Set(
            list.split(separator: ",").map {
                $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "'")).lowercased()
            }
        )
    }
}
