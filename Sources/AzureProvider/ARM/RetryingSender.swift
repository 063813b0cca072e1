import Logging

/// Sends a request through a transport, retrying as a ``RetryPolicy`` says.
///
/// Returns the last answer (success or not) once no retry is left; throws the transport's error when
/// the last attempt got no answer. Cancellation stops the retries.
struct RetryingSender: Sendable {
    var transport: any HTTPTransport
    var policy: RetryPolicy
    var timeout: Duration
    var logger: Logger
    var requests = APIRequestCounter()

    func send(_ makeRequest: () async throws -> HTTPRequestData) async throws -> HTTPResponseData {
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
            requests.record(outcome)
            // A cancelled request (a sibling list failed, or the loop is stopping) is not retried.
            try Task.checkCancellation()
            let response = try? outcome.get()
            if let response, response.isSuccess { return response }
            guard let delay = policy.delay(beforeRetry: attempt, after: response) else {
                return try outcome.get()
            }
            logger.debug(
                "azure: retrying request",
                metadata: [
                    "url": "\(URLRedaction.withoutQuery(request.url))",
                    "status": "\(response.map { String($0.status) } ?? "no answer")",
                    "attempt": "\(attempt)",
                    "delay_ms": "\(delay.nanoseconds / 1_000_000)",
                ]
            )
            try await policy.sleep(delay)
        }
    }
}
