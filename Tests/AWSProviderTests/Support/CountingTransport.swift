import AsyncHTTPClient
import Foundation
import HTTPSupport
import Synchronization

@testable import AWSProvider

/// Counts the requests that go through it, per Query API action, and can answer some itself.
final class CountingTransport: HTTPTransport {
    let inner: any HTTPTransport
    private let counts = Mutex<[String: Int]>([:])
    private let sent = Mutex<[HTTPRequestData]>([])

    init(_ inner: any HTTPTransport = AsyncHTTPTransport(client: .shared)) {
        self.inner = inner
    }

    /// Requests per action (`DescribeInstances`, ...), or per `METHOD path` for non-Query requests.
    var requestsByAction: [String: Int] { counts.withLock { $0 } }
    var total: Int { counts.withLock { $0.values.reduce(0, +) } }
    var requests: [HTTPRequestData] { sent.withLock { $0 } }

    func reset() {
        counts.withLock { $0 = [:] }
        sent.withLock { $0 = [] }
    }

    func send(_ request: HTTPRequestData, timeout: Duration) async throws -> HTTPResponseData {
        counts.withLock { $0[Self.action(of: request), default: 0] += 1 }
        sent.withLock { $0.append(request) }
        return try await inner.send(request, timeout: timeout)
    }

    static func action(of request: HTTPRequestData) -> String {
        form(of: request)["Action"] ?? "\(request.method) \(request.url)"
    }

    static func form(of request: HTTPRequestData) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in String(decoding: request.body ?? [], as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0]).removingPercentEncoding ?? String(parts[0])
            fields[name] = parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? String(parts[1])) : ""
        }
        return fields
    }
}

/// Answers from a closure: for unit tests of retries and errors without a server.
struct ScriptedTransport: HTTPTransport {
    let answer: @Sendable (HTTPRequestData) async throws -> HTTPResponseData
    func send(_ request: HTTPRequestData, timeout: Duration) async throws -> HTTPResponseData {
        try await answer(request)
    }
}
