import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// Sends real HTTP requests through HAProxy and tells which server answered each.
public struct TrafficProbe: Sendable {
    public var url: String

    public init(port: Int) {
        url = "http://127.0.0.1:\(port)/"
    }

    /// Who answered one request: the server's name, or `HTTP <status>` (503: no server available).
    /// `path` without the leading slash, e.g. `slow/2000` for a request the server answers after 2 s.
    public func send(path: String = "", timeout: Duration = .seconds(5)) async throws -> String {
        var request = HTTPClientRequest(url: url + path)
        request.headers.add(name: "Connection", value: "close")
        let (seconds, attoseconds) = timeout.components
        let response = try await HTTPClient.shared.execute(
            request,
            timeout: .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        )
        let body = try await response.body.collect(upTo: 4096)
        guard response.status == .ok else { return "HTTP \(response.status.code)" }
        return String(buffer: body)
    }

    /// How many of `count` sequential requests each server answered.
    public func distribution(of count: Int) async throws -> [String: Int] {
        var answers: [String: Int] = [:]
        for _ in 0..<count { answers[try await send(), default: 0] += 1 }
        return answers
    }

    /// The set of servers answering `count` requests.
    public func responders(_ count: Int = 24) async throws -> Set<String> {
        Set(try await distribution(of: count).keys)
    }

    /// Polls until `count` consecutive requests are answered by exactly `expected`; returns the time it took,
    /// or nil after `timeout`.
    public func waitForResponders(
        _ expected: Set<String>,
        count: Int = 12,
        timeout: Duration
    ) async throws -> Duration? {
        let clock = ContinuousClock()
        let start = clock.now
        while clock.now - start < timeout {
            if (try? await responders(count)) == expected { return clock.now - start }
            try await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }
}

/// A TCP port on 127.0.0.1 that was free a moment ago (for HAProxy's frontend and stats socket).
public func freeLoopbackPort() async throws -> Int {
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .bind(host: "127.0.0.1", port: 0)
        .get()
    let port = channel.localAddress?.port ?? 0
    try await channel.close()
    guard port > 0 else { throw HarnessError("no free port on 127.0.0.1") }
    return port
}

/// A fresh directory for one test's files, removed by `body`'s caller through ``withTemporaryDirectory``.
public func withTemporaryDirectory<Result: Sendable>(_ body: (URL) async throws -> Result) async throws -> Result {
    // Unix socket paths are limited to ~100 bytes: keep the directory short.
    let directory = URL(fileURLWithPath: "/tmp/dd-e2e-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    do {
        let result = try await body(directory)
        try? FileManager.default.removeItem(at: directory)
        return result
    } catch {
        try? FileManager.default.removeItem(at: directory)
        throw error
    }
}
