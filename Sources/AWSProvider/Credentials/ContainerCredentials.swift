import Foundation
import HTTPSupport

/// ECS (and EKS Pod Identity) container credentials: `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` under
/// `http://169.254.170.2`, or `AWS_CONTAINER_CREDENTIALS_FULL_URI` (https, or http to a loopback or the
/// ECS/EKS link-local hosts), with `AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE)` as the `Authorization` header.
struct ContainerCredentials: Sendable {
    var environment: [String: String]
    var transport: any HTTPTransport
    /// Where relative URIs point; only tests change it.
    var relativeBase: String = "http://169.254.170.2"
    var timeout: Duration = .seconds(2)

    static let allowedHTTPHosts: Set<String> = ["169.254.170.2", "169.254.170.23", "fd00:ec2::23", "[fd00:ec2::23]"]

    /// The credentials URL, or `credentialUnavailable` when neither variable is set.
    func url() throws -> String {
        if let relative = environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"], !relative.isEmpty {
            return relativeBase + (relative.hasPrefix("/") ? relative : "/" + relative)
        }
        guard let full = environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"], !full.isEmpty else {
            throw AWSProviderError(.credentialUnavailable, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and _FULL_URI are not set")
        }
        guard let url = URL(string: full), let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased() else {
            throw AWSProviderError(.credentialUnavailable, "AWS_CONTAINER_CREDENTIALS_FULL_URI is not a URL")
        }
        guard scheme == "https" || (scheme == "http" && (PlainHTTPRule.isLoopback(host: host) || Self.allowedHTTPHosts.contains(host))) else {
            throw AWSProviderError(
                .credentialUnavailable,
                "AWS_CONTAINER_CREDENTIALS_FULL_URI must be https, or http to a loopback or the ECS/EKS credential host"
            )
        }
        return full
    }

    func fetch() async throws -> AWSCredentials {
        let url = try url()
        var headers: [(name: String, value: String)] = [("Accept", "application/json")]
        if let file = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"], !file.isEmpty {
            guard let token = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw AWSProviderError(.credentialUnavailable, "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \(file)")
            }
            headers.append(("Authorization", token.trimmingCharacters(in: .whitespacesAndNewlines)))
        } else if let token = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"], !token.isEmpty {
            headers.append(("Authorization", token))
        }
        let response: HTTPResponseData
        do {
            response = try await transport.send(HTTPRequestData(url: url, headers: headers), timeout: timeout)
        } catch {
            throw AWSProviderError(.requestFailed, "the container credentials endpoint: \(error)")
        }
        guard response.isSuccess else {
            throw AWSProviderError(
                .credentialUnavailable, "the container credentials endpoint \(URLRedaction.withoutQuery(url)) answered HTTP \(response.status)",
                status: response.status
            )
        }
        do {
            return try JSONDecoder().decode(MetadataCredentialsDocument.self, from: Data(response.body))
                .credentials(source: "the container credentials endpoint")
        } catch let error as AWSProviderError {
            throw error
        } catch {
            throw AWSProviderError(.invalidResponse, "the container credentials endpoint answered something that is not credentials JSON")
        }
    }
}

/// EC2 instance metadata, IMDSv2 only: `PUT /latest/api/token`, then the instance role's credentials under
/// `/latest/meta-data/iam/security-credentials/`. Off when `AWS_EC2_METADATA_DISABLED=true`; the endpoint can
/// be moved with `AWS_EC2_METADATA_SERVICE_ENDPOINT`.
struct InstanceMetadataCredentials: Sendable {
    var environment: [String: String]
    var transport: any HTTPTransport
    /// Short: off EC2 nothing answers, and the chain should move on quickly.
    var timeout: Duration = .seconds(1)

    var endpoint: String {
        var base = environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 } ?? "http://169.254.169.254"
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }

    func fetch() async throws -> AWSCredentials {
        if environment["AWS_EC2_METADATA_DISABLED"]?.lowercased() == "true" {
            throw AWSProviderError(.credentialUnavailable, "instance metadata is disabled (AWS_EC2_METADATA_DISABLED)")
        }
        let token = try await send(
            HTTPRequestData(method: "PUT", url: endpoint + "/latest/api/token", headers: [("X-aws-ec2-metadata-token-ttl-seconds", "21600")]),
            what: "the IMDSv2 session token"
        )
        let auth = [(name: "X-aws-ec2-metadata-token", value: String(decoding: token, as: UTF8.self))]
        let roles = try await send(
            HTTPRequestData(url: endpoint + "/latest/meta-data/iam/security-credentials/", headers: auth), what: "the instance role name"
        )
        guard let role = String(decoding: roles, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init), !role.isEmpty else {
            throw AWSProviderError(.credentialUnavailable, "the instance has no IAM role attached")
        }
        let document = try await send(
            HTTPRequestData(url: endpoint + "/latest/meta-data/iam/security-credentials/" + AWSPercentEncoding.encode(role), headers: auth),
            what: "the instance role's credentials"
        )
        do {
            return try JSONDecoder().decode(MetadataCredentialsDocument.self, from: Data(document))
                .credentials(source: "instance metadata")
        } catch let error as AWSProviderError {
            throw error
        } catch {
            throw AWSProviderError(.invalidResponse, "instance metadata answered something that is not credentials JSON")
        }
    }

    private func send(_ request: HTTPRequestData, what: String) async throws -> [UInt8] {
        let response: HTTPResponseData
        do {
            response = try await transport.send(request, timeout: timeout)
        } catch {
            throw AWSProviderError(.credentialUnavailable, "no instance metadata service at \(endpoint) (not on EC2?)")
        }
        guard response.isSuccess else {
            throw AWSProviderError(
                .credentialUnavailable, "instance metadata answered HTTP \(response.status) for \(what)", status: response.status
            )
        }
        return response.body
    }
}
