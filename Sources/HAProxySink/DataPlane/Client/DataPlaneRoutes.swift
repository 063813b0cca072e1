import Foundation

/// Paths and query items of the Data Plane API operations discovery uses, for one API version.
///
/// The v2/v3 differences live here and in ``unwrapList(_:)``: servers are addressed with `?backend=` in v2
/// and under `/backends/{parent_name}/servers` in v3; v2 wraps GET bodies in `{_version, data}`.
struct DataPlaneRoutes: Sendable {
    struct Route: Sendable {
        var path: String
        var query: [(name: String, value: String)] = []

        func adding(_ name: String, _ value: String) -> Route {
            var copy = self
            copy.query.append((name, value))
            return copy
        }

        func adding(_ target: DataPlaneWriteTarget) -> Route {
            switch target {
            case .version(let version): adding("version", String(version))
            case .transaction(let id): adding("transaction_id", id)
            }
        }

        /// The request also reads or writes the section's children (servers, rules ...): v3.1+ only.
        var fullSection: Route { adding("full_section", "true") }

        func reading(in transaction: String?) -> Route {
            transaction.map { adding("transaction_id", $0) } ?? self
        }

        /// Path and encoded query, to append to the API root.
        var pathAndQuery: String {
            guard !query.isEmpty else { return path }
            var components = URLComponents()
            components.queryItems = query.map { URLQueryItem(name: $0.name, value: $0.value) }
            let encoded = (components.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
            return path + "?" + encoded
        }
    }

    let version: DataPlaneAPIVersion

    private static let configuration = "/services/haproxy/configuration"

    var configurationVersion: Route { Route(path: Self.configuration + "/version") }
    var backends: Route { Route(path: Self.configuration + "/backends") }
    var transactions: Route { Route(path: "/services/haproxy/transactions") }
    /// API, OS and hardware information; `api.version` is the release (`v3.4.2 8613429`).
    var info: Route { Route(path: "/info") }

    func backend(_ name: String) -> Route {
        Route(path: Self.configuration + "/backends/" + Self.segment(name))
    }

    func servers(backend: String) -> Route {
        switch version {
        case .v2: Route(path: Self.configuration + "/servers", query: [("backend", backend)])
        case .v3: Route(path: Self.configuration + "/backends/" + Self.segment(backend) + "/servers")
        }
    }

    func server(_ name: String, backend: String) -> Route {
        switch version {
        case .v2:
            Route(path: Self.configuration + "/servers/" + Self.segment(name), query: [("backend", backend)])
        case .v3:
            Route(path: Self.configuration + "/backends/" + Self.segment(backend) + "/servers/" + Self.segment(name))
        }
    }

    /// HAProxy's runtime view of the servers of `backend` (not configuration: nothing here is in haproxy.cfg).
    func runtimeServers(backend: String) -> Route {
        switch version {
        case .v2: Route(path: "/services/haproxy/runtime/servers", query: [("backend", backend)])
        case .v3: Route(path: "/services/haproxy/runtime/backends/" + Self.segment(backend) + "/servers")
        }
    }

    func runtimeServer(_ name: String, backend: String) -> Route {
        switch version {
        case .v2:
            Route(path: "/services/haproxy/runtime/servers/" + Self.segment(name), query: [("backend", backend)])
        case .v3:
            Route(
                path: "/services/haproxy/runtime/backends/" + Self.segment(backend) + "/servers/" + Self.segment(name)
            )
        }
    }

    func transaction(_ id: String) -> Route {
        Route(path: "/services/haproxy/transactions/" + Self.segment(id))
    }

    /// A list body: bare in v3, `{_version, data}` in v2.
    func unwrapList(_ body: JSONValue) -> [JSONValue]? {
        switch version {
        case .v2: body["data"]?.arrayValue ?? body.arrayValue
        case .v3: body.arrayValue
        }
    }

    private static let segmentAllowed: CharacterSet = {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#%")
        return allowed
    }()

    static func segment(_ raw: String) -> String {
        raw.addingPercentEncoding(withAllowedCharacters: segmentAllowed) ?? raw
    }
}
