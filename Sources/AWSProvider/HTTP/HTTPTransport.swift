/// An HTTP request as the Query API and credential clients need it: small, buffered, no streaming.
public struct HTTPRequestData: Sendable {
    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]?

    public init(method: String = "GET", url: String, headers: [(name: String, value: String)] = [], body: [UInt8]? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// A buffered HTTP response.
public struct HTTPResponseData: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of a header, compared case-insensitively as HTTP requires.
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name.lowercased() == lowered }?.value
    }

    public var isSuccess: Bool { (200..<300).contains(status) }
}

/// Sends one HTTP request and buffers the answer.
///
/// ## Contract
/// - Returns every answer the server gave, whatever its status; throws only when there is no answer
///   (connection refused, timeout, TLS failure, body larger than the limit).
/// - Does not retry, redirect or sign: the Query client and the credential sources do that.
/// - Errors never contain the request's headers or body (they carry signatures and tokens).
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequestData, timeout: Duration) async throws -> HTTPResponseData
}
