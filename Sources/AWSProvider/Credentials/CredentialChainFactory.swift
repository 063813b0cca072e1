import Foundation
import HTTPSupport
import Logging

/// Builds the credential chain in the AWS SDKs' order:
/// 1. environment (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`);
/// 2. web identity (`AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN` → STS `AssumeRoleWithWebIdentity`);
/// 3. the shared files' profile (`aws.credential_profile`, else `AWS_PROFILE`, else `default`): static keys,
///    `role_arn` + `source_profile` or `credential_source` (STS `AssumeRole`), or `web_identity_token_file`;
/// 4. ECS/EKS container credentials; 5. EC2 instance metadata (IMDSv2).
///
/// With `aws.credential_profile` set, only that profile is used (as boto3's `Session(profile_name=)`):
/// the file says which identity to use, and an unrelated `AWS_ACCESS_KEY_ID` must not win over it.
struct CredentialChainFactory: Sendable {
    var configuration: AWSProviderConfiguration
    var region: String
    var transport: any HTTPTransport
    var logger: Logger

    var environment: [String: String] { configuration.environment }

    func make() throws -> any AWSCredentialProvider {
        let files = SharedConfigFiles.load(environment: environment)
        if let profile = configuration.credentialProfile {
            guard files.profiles[profile] != nil else {
                throw AWSProviderError.invalidConfiguration(
                    "aws.credential_profile: no profile \"\(profile)\" in \(files.credentialsPath) or \(files.configPath); "
                        + "add it or leave credential_profile empty for the default chain"
                )
            }
            return try profileProvider(profile, files: files, visited: [])
        }
        let profile = environment["AWS_PROFILE"].flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        var sources: [(name: String, provider: any AWSCredentialProvider)] = [
            ("environment", EnvironmentCredentials(environment: environment)),
            ("web identity", webIdentityFromEnvironment()),
        ]
        if files.profiles[profile] != nil {
            sources.append(("profile \(profile)", try profileProvider(profile, files: files, visited: [])))
        } else if profile != "default" {
            throw AWSProviderError.invalidConfiguration(
                "AWS_PROFILE names \"\(profile)\", which is not in \(files.credentialsPath) or \(files.configPath)"
            )
        }
        sources.append(("container", container()))
        sources.append(("instance metadata", instanceMetadata()))
        return CredentialChain(sources)
    }

    func stsClient(credentials: (any AWSCredentialProvider)?) throws -> STSClient {
        STSClient(
            client: QueryClient(
                service: .sts, region: region, endpoint: try configuration.endpoint(for: .sts, region: region),
                transport: transport, credentials: credentials, retry: configuration.retry,
                timeout: configuration.requestTimeout, logger: logger
            )
        )
    }

    private func webIdentityFromEnvironment() -> any AWSCredentialProvider {
        let tokenFile = environment["AWS_WEB_IDENTITY_TOKEN_FILE"] ?? ""
        let roleARN = environment["AWS_ROLE_ARN"] ?? ""
        guard !tokenFile.isEmpty, !roleARN.isEmpty else {
            return Unavailable(reason: "AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN are not both set")
        }
        return webIdentity(roleARN: roleARN, tokenFile: tokenFile, sessionName: environment["AWS_ROLE_SESSION_NAME"])
    }

    private func webIdentity(roleARN: String, tokenFile: String, sessionName: String?) -> any AWSCredentialProvider {
        let sts = try? stsClient(credentials: nil)
        return RefreshingCredentials {
            guard let sts else { throw AWSProviderError.invalidConfiguration("aws: the STS endpoint is not valid") }
            return try await sts.assumeRoleWithWebIdentity(
                roleARN: roleARN, sessionName: sessionName ?? STSClient.defaultSessionName(), tokenFile: tokenFile
            )
        }
    }

    private func container() -> any AWSCredentialProvider {
        let source = ContainerCredentials(
            environment: environment, transport: transport, relativeBase: configuration.containerCredentialsBase
        )
        if (try? source.url()) == nil {
            return Unavailable(reason: "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and _FULL_URI are not set")
        }
        return RefreshingCredentials { try await source.fetch() }
    }

    private func instanceMetadata() -> any AWSCredentialProvider {
        let source = InstanceMetadataCredentials(
            environment: environment, transport: transport, timeout: configuration.instanceMetadataTimeout
        )
        return RefreshingCredentials { try await source.fetch() }
    }

    /// A profile's credentials: static keys, an assumed role, or web identity.
    private func profileProvider(_ name: String, files: SharedConfigFiles, visited: Set<String>) throws -> any AWSCredentialProvider {
        guard !visited.contains(name) else {
            throw AWSProviderError.invalidConfiguration(
                "profile \"\(name)\": source_profile chain loops (\(visited.sorted().joined(separator: " → "))); break the cycle in \(files.configPath)"
            )
        }
        let keys = files.profiles[name] ?? [:]
        if let roleARN = keys["role_arn"], !roleARN.isEmpty {
            let sessionName = keys["role_session_name"]
            if let tokenFile = keys["web_identity_token_file"], !tokenFile.isEmpty {
                return webIdentity(roleARN: roleARN, tokenFile: tokenFile, sessionName: sessionName)
            }
            let source: any AWSCredentialProvider
            if let sourceProfile = keys["source_profile"], !sourceProfile.isEmpty {
                guard files.profiles[sourceProfile] != nil else {
                    throw AWSProviderError.invalidConfiguration(
                        "profile \"\(name)\": source_profile \"\(sourceProfile)\" is not in \(files.credentialsPath) or \(files.configPath)"
                    )
                }
                // The source profile's own keys, even if it also names a role (as the CLI does).
                if sourceProfile == name {
                    source = try staticKeys(name, keys: keys, files: files)
                } else {
                    source = try profileProvider(sourceProfile, files: files, visited: visited.union([name]))
                }
            } else if let credentialSource = keys["credential_source"] {
                switch credentialSource {
                case "Environment": source = EnvironmentCredentials(environment: environment)
                case "EcsContainer": source = container()
                case "Ec2InstanceMetadata": source = instanceMetadata()
                default:
                    throw AWSProviderError.invalidConfiguration(
                        "profile \"\(name)\": credential_source \"\(credentialSource)\" is not Environment, EcsContainer or Ec2InstanceMetadata"
                    )
                }
            } else {
                throw AWSProviderError.invalidConfiguration(
                    "profile \"\(name)\": role_arn needs source_profile, credential_source or web_identity_token_file"
                )
            }
            let sts = try stsClient(credentials: source)
            let externalID = keys["external_id"]
            let duration = keys["duration_seconds"].flatMap { Int($0) }
            return RefreshingCredentials {
                try await sts.assumeRole(
                    roleARN: roleARN, sessionName: sessionName ?? STSClient.defaultSessionName(),
                    externalID: externalID, durationSeconds: duration
                )
            }
        }
        return try staticKeys(name, keys: keys, files: files)
    }

    private func staticKeys(_ name: String, keys: [String: String], files: SharedConfigFiles) throws -> any AWSCredentialProvider {
        guard let key = keys["aws_access_key_id"], !key.isEmpty, let secret = keys["aws_secret_access_key"], !secret.isEmpty else {
            throw AWSProviderError(
                .credentialUnavailable,
                "profile \"\(name)\" has neither aws_access_key_id + aws_secret_access_key nor role_arn (\(files.credentialsPath), \(files.configPath))"
            )
        }
        return StaticCredentials(
            value: AWSCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: keys["aws_session_token"].flatMap { $0.isEmpty ? nil : $0 })
        )
    }
}

/// A chain link that does not apply here.
struct Unavailable: AWSCredentialProvider {
    var reason: String
    func credentials() async throws -> AWSCredentials {
        throw AWSProviderError(.credentialUnavailable, reason)
    }
}
