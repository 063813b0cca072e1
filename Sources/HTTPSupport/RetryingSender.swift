import Logging

/// Sends a request through a transport, retrying as a ``RetryPolicy`` says.
///
/// ## Contract
/// - Returns the first 2xx answer, or the last answer (whatever its status) once no retry is left; throws
///   the transport's error when the last attempt got no answer.
/// - `makeRequest` runs before every attempt, so a retry can carry a fresh token.
/// - Cancellation stops the retries; a cancelled attempt is not retried.
/// - Logs each retry at debug level as "`<client>`: retrying request", with the URL without its query.
public struct RetryingSender: Sendable {
    public var transport: any HTTPTransport
    public var policy: RetryPolicy
    /// Per attempt, connect to last byte.
    public var timeout: Duration
    /// Who sends, for the log line (e.g. `azure`).
    public var client: String
    public var logger: Logger

    public init(transport: any HTTPTransport, policy: RetryPolicy, timeout: Duration, client: String, logger: Logger) {
        self.transport = transport
        self.policy = policy
        self.timeout = timeout
        self.client = client
        self.logger = logger
    }

    public func send(_ makeRequest: () async throws -> HTTPRequestData) async throws -> HTTPResponseData {
        var attempt = 0
        while true {
            try Task.checkCancellation()
            let request = try await makeRequest()
            let outcome: Result<HTTPResponseData, any Error>
            do {
                outcome = .success(try await transport.send(request, timeout: timeout))
            } catch {
                outcome = .failure(error)
            }
            attempt += 1
            // A cancelled request (a sibling list failed, or the loop is stopping) is not retried.
            try Task.checkCancellation()
            let response = try? outcome.get()
            if let response, response.isSuccess { return response }
            guard let delay = policy.delay(beforeRetry: attempt, after: response) else {
                return try outcome.get()
            }
            logger.debug(
                "\(client): retrying request",
                metadata: [
                    "url": "\(URLRedaction.withoutQuery(request.url))",
                    "status": "\(response.map { String($0.status) } ?? "no answer")",
                    "attempt": "\(attempt)",
                    "delay_ms": "\(delay.wholeMilliseconds)",
                ]
            )
            try await policy.sleep(delay)
        }
    }
}
