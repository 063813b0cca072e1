import Foundation
import HAProxySink

/// One HTTP request as the fake sees it.
struct FakeRequest: Sendable {
    var method: String
    /// Path without the query, percent-decoded per segment later.
    var path: String
    var query: [String: String]
    var headers: [(name: String, value: String)]
    var body: Data

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// One HTTP response, before the transport writes it.
struct FakeResponse: Sendable {
    var status: Int
    var headers: [(name: String, value: String)] = []
    var body: Data = Data()
    /// The transport closes the connection without answering (a dropped connection).
    var dropConnection = false

    static func json(_ status: Int, _ value: JSONValue, headers: [(name: String, value: String)] = []) -> FakeResponse {
        FakeResponse(
            status: status,
            headers: [("Content-Type", "application/json")] + headers,
            body: (try? value.encoded()) ?? Data()
        )
    }

    /// The API's error shape: `{code, message}`.
    static func error(_ status: Int, _ message: String, version: Int) -> FakeResponse {
        json(status, ["code": .int(status), "message": .string(message)], headers: [("Configuration-Version", "\(version)")])
    }
}

/// What happened to one write, for assertions ("no other server touched", "applied at runtime").
public struct FakeWrite: Hashable, Sendable, CustomStringConvertible {
    public enum Effect: String, Hashable, Sendable {
        /// Applied through HAProxy's runtime API (no reload).
        case runtime
        /// Nothing differed; the file is rewritten but HAProxy is untouched.
        case unchanged
        /// A reload was queued.
        case reload
        /// Staged in a transaction; takes effect (with a reload) on commit.
        case staged
    }

    public var method: String
    public var backend: String
    /// The server written, or nil for a backend-level write.
    public var server: String?
    public var effect: Effect

    public init(method: String, backend: String, server: String?, effect: Effect) {
        self.method = method
        self.backend = backend
        self.server = server
        self.effect = effect
    }

    public var description: String { "\(method) \(backend)/\(server ?? "-") \(effect.rawValue)" }
}

/// A failure the test wants the fake to produce.
public struct FakeFault: Sendable {
    public var method: String?
    /// Matches when the request path contains this text.
    public var pathContains: String?
    /// The status of the `{code, message}` answer; nil drops the connection instead.
    public var status: Int?
    public var message: String
    /// How many matching requests fail; `Int.max` for ever.
    public var times: Int

    public init(method: String? = nil, pathContains: String? = nil, status: Int?, message: String = "", times: Int = 1) {
        self.method = method
        self.pathContains = pathContains
        self.status = status
        self.message = message
        self.times = times
    }

    func matches(_ request: FakeRequest) -> Bool {
        (method == nil || method == request.method) && (pathContains.map { request.path.contains($0) } ?? true)
    }
}

/// Someone else writes between our transaction's start and its commit.
public enum FakeInterference: Sendable {
    /// A non-transactional write by another client: the commit gets 409 (version mismatch).
    case outOfBandWrite
    /// Another transaction commits first: ours becomes outdated and the commit gets 406.
    case competingTransaction
}

/// Counters the tests compare before and after a cycle.
public struct FakeCounters: Hashable, Sendable, CustomStringConvertible {
    public var requests = 0
    public var reloads = 0
    public var runtimeChanges = 0
    public var writes = 0
    public var commits = 0

    public static func - (lhs: FakeCounters, rhs: FakeCounters) -> FakeCounters {
        FakeCounters(
            requests: lhs.requests - rhs.requests,
            reloads: lhs.reloads - rhs.reloads,
            runtimeChanges: lhs.runtimeChanges - rhs.runtimeChanges,
            writes: lhs.writes - rhs.writes,
            commits: lhs.commits - rhs.commits
        )
    }

    public var description: String {
        "requests \(requests), reloads \(reloads), runtime \(runtimeChanges), writes \(writes), commits \(commits)"
    }
}

/// A request as logged by the fake.
public struct FakeLoggedRequest: Hashable, Sendable, CustomStringConvertible {
    public var method: String
    public var path: String
    public var query: [String: String]
    public var status: Int

    public var description: String {
        let q = query.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
        return "\(method) \(path)\(q.isEmpty ? "" : "?" + q) -> \(status)"
    }
}
