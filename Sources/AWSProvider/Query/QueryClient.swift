import Foundation
import HTTPSupport
import Logging

/// Calls one AWS Query-protocol service (EC2, Auto Scaling, STS): a signed form POST, an XML answer.
///
/// Throttling and transient errors are retried per ``AWSRetryPolicy``; everything else fails at once with a
/// message naming the call. Authorization failures name the IAM action the identity needs. Expired
/// credentials are dropped from the cache so the next attempt fetches fresh ones. Every attempt is counted in
/// `discoveryd_provider_api_requests_total{provider="aws"}`; a throttling code in the body counts as
/// `throttled`, whatever the status.
///
/// Retries go through HTTPSupport's ``RetryingSender`` with ``AWSRetryPolicy/retryPolicy``; what is AWS's
/// own stays here: signing before every attempt, error codes, IAM-action messages, attempt counts.
struct QueryClient: Sendable {
    var service: AWSService
    var region: String
    var endpoint: URL
    var transport: any HTTPTransport
    /// Nil for STS's unsigned `AssumeRoleWithWebIdentity`.
    var credentials: (any AWSCredentialProvider)?
    var retry: AWSRetryPolicy
    var timeout: Duration
    var logger: Logger
    /// Counts every attempt by outcome; nil counts nothing.
    var requests: APIRequestCounter? = APIRequestCounter(provider: "aws")
    var now: @Sendable () -> Date = { Date() }

    /// Codes meaning the credentials or the permission were refused.
    static let authorizationCodes: Set<String> = [
        "AuthFailure", "UnauthorizedOperation", "AccessDenied", "AccessDeniedException", "UnauthorizedAccess",
        "InvalidClientTokenId", "SignatureDoesNotMatch", "IncompleteSignature", "MissingAuthenticationToken",
        "ExpiredToken", "ExpiredTokenException", "RequestExpired", "InvalidAccessKeyId", "UnrecognizedClientException",
        "OptInRequired", "Blocked",
    ]
    static let expiredCodes: Set<String> = ["ExpiredToken", "ExpiredTokenException", "RequestExpired"]

    /// Sends `action` with `parameters` and returns the parsed answer's root element.
    func call(_ action: String, _ parameters: [(String, String)]) async throws -> XMLNode {
        let body = Array(AWSPercentEncoding.form([("Action", action), ("Version", service.apiVersion)] + parameters).utf8)
        let label = "\(service.signingName) \(action)"
        let sender = RetryingSender(
            transport: CountedTransport(transport: transport, requests: requests),
            policy: retry.retryPolicy, timeout: timeout, client: "aws", logger: logger
        )
        var attempts = 0
        let response: HTTPResponseData
        do {
            response = try await sender.send {
                attempts += 1
                return try await signedRequest(body: body)
            }
        } catch let noAnswer as CountedTransport.NoAnswer {
            throw AWSProviderError(
                .requestFailed, "\(label) to \(endpoint.absoluteString) got no answer after \(attempts) attempt(s): \(noAnswer.error)"
            )
        }
        guard response.isSuccess else {
            throw await error(for: response, failure: AWSErrorBody(xml: response.body), action: action, attempts: attempts)
        }
        do {
            return try XMLNode.parse(response.body)
        } catch {
            throw AWSProviderError(.invalidResponse, "\(label): cannot parse the answer: \(error)", status: response.status)
        }
    }

    private func signedRequest(body: [UInt8]) async throws -> HTTPRequestData {
        var request = SigV4Signer.Request(
            method: "POST",
            path: endpoint.path.isEmpty ? "/" : endpoint.path,
            headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
            body: body
        )
        if let credentials {
            let keys = try await credentials.credentials()
            SigV4Signer(region: region, service: service.signingName)
                .sign(&request, host: Self.hostHeader(endpoint), credentials: keys, date: now())
        }
        return HTTPRequestData(method: "POST", url: endpoint.absoluteString, headers: request.headers, body: body)
    }

    private func error(for response: HTTPResponseData, failure: AWSErrorBody?, action: String, attempts: Int) async -> AWSProviderError {
        let label = "\(service.signingName) \(action)"
        let detail = failure.map { "\($0.code): \($0.message)" } ?? "HTTP \(response.status)"
        let requestID = failure?.requestID.map { " (request id \($0))" } ?? ""
        if let code = failure?.code, Self.authorizationCodes.contains(code) || response.status == 401 || response.status == 403 {
            if Self.expiredCodes.contains(code) { await credentials?.invalidate() }
            return AWSProviderError(
                .authorizationFailed,
                "\(label) was refused (\(detail))\(requestID); the identity needs the IAM permission \(service.iamAction(action)) "
                    + "and valid, unexpired credentials",
                status: response.status, awsCode: code
            )
        }
        if AWSRetryPolicy.isThrottling(status: response.status, code: failure?.code) {
            return AWSProviderError(
                .throttled, "\(label) was still throttled after \(attempts) attempts (\(detail))\(requestID)",
                status: response.status, awsCode: failure?.code
            )
        }
        return AWSProviderError(
            .serviceError, "\(label) failed with HTTP \(response.status) (\(detail))\(requestID)",
            status: response.status, awsCode: failure?.code
        )
    }

    /// `host` or `host:port` when the port is not the scheme's default, as HTTP clients send it.
    static func hostHeader(_ url: URL) -> String {
        var host = url.host ?? ""
        if host.contains(":"), !host.hasPrefix("[") { host = "[\(host)]" }
        if let port = url.port, port != (url.scheme?.lowercased() == "https" ? 443 : 80) { host += ":\(port)" }
        return host
    }
}

/// Counts every attempt of a ``QueryClient`` by outcome, reading AWS's throttling codes from the body (AWS
/// throttles with HTTP 400), and marks the transport's own failures so the client can name them.
private struct CountedTransport: HTTPTransport {
    struct NoAnswer: Error {
        var error: any Error
    }

    var transport: any HTTPTransport
    var requests: APIRequestCounter?

    func send(_ request: HTTPRequestData, timeout: Duration) async throws -> HTTPResponseData {
        let response: HTTPResponseData
        do {
            response = try await transport.send(request, timeout: timeout)
        } catch {
            requests?.record(.failure(error))
            throw NoAnswer(error: error)
        }
        if !response.isSuccess, let code = AWSErrorBody(xml: response.body)?.code, AWSRetryPolicy.throttlingCodes.contains(code) {
            requests?.record(outcome: "throttled")
        } else {
            requests?.record(.success(response))
        }
        return response
    }
}
