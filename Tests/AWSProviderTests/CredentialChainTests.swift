import AsyncHTTPClient
import Foundation
import HTTPSupport
import HTTPTestSupport
import Logging
import Synchronization
import Testing

@testable import AWSProvider

/// The SDK-order credential chain, against fake STS, ECS and instance-metadata endpoints on loopback.
@Suite struct CredentialChainTests {
    /// A temporary directory with `credentials`/`config` files and a token file.
    final class Home: Sendable {
        let path: String
        init() throws {
            path = NSTemporaryDirectory() + "aws-credentials-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        deinit { try? FileManager.default.removeItem(atPath: path) }
        func write(_ name: String, _ text: String) throws -> String {
            let file = "\(path)/\(name)"
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            return file
        }
        var environment: [String: String] {
            ["HOME": path, "AWS_SHARED_CREDENTIALS_FILE": "\(path)/credentials", "AWS_CONFIG_FILE": "\(path)/config",
             "AWS_EC2_METADATA_DISABLED": "true"]
        }
    }

    static func chain(_ environment: [String: String], profile: String? = nil, containerBase: String = "http://169.254.170.2") throws
        -> any AWSCredentialProvider
    {
        let configuration = AWSProviderConfiguration(
            regions: ["us-east-1"], credentialProfile: profile, environment: environment, containerCredentialsBase: containerBase,
            instanceMetadataTimeout: .seconds(20)
        )
        return try CredentialChainFactory(
            configuration: configuration, region: "us-east-1", transport: AsyncHTTPTransport(client: .shared), logger: Logger(label: "test")
        ).make()
    }

    static func stsAnswer(_ result: String, key: String, expiresIn seconds: TimeInterval = 3600) -> FakeResponse {
        let expiration = ISO8601DateFormatter().string(from: Date().addingTimeInterval(seconds))
        let xml = """
            <\(result)Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><\(result)Result><Credentials>\
            <AccessKeyId>\(key)</AccessKeyId><SecretAccessKey>secret-\(key)</SecretAccessKey>\
            <SessionToken>token-\(key)</SessionToken><Expiration>\(expiration)</Expiration>\
            </Credentials></\(result)Result><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></\(result)Response>
            """
        return FakeResponse(status: 200, headers: [("Content-Type", "text/xml")], body: Array(xml.utf8))
    }

    @Test func environmentComesFirst() async throws {
        let home = try Home()
        _ = try home.write("credentials", "[default]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = profile-secret\n")
        var environment = home.environment
        environment["AWS_ACCESS_KEY_ID"] = "AKIDENV"
        environment["AWS_SECRET_ACCESS_KEY"] = "env-secret"
        environment["AWS_SESSION_TOKEN"] = "env-token"
        let credentials = try await Self.chain(environment).credentials()
        #expect(credentials == AWSCredentials(accessKeyID: "AKIDENV", secretAccessKey: "env-secret", sessionToken: "env-token"))
    }

    @Test func sharedCredentialsFileWithAWSProfile() async throws {
        let home = try Home()
        _ = try home.write(
            "credentials",
            "# comment\n[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = d\n\n[team]\naws_access_key_id=AKIDTEAM\naws_secret_access_key = t ; note\n"
        )
        var environment = home.environment
        #expect(try await Self.chain(environment).credentials().accessKeyID == "AKIDDEFAULT")
        environment["AWS_PROFILE"] = "team"
        let team = try await Self.chain(environment).credentials()
        #expect(team.accessKeyID == "AKIDTEAM")
        #expect(team.secretAccessKey == "t")
    }

    @Test func credentialProfileIsUsedAloneAndMustExist() async throws {
        let home = try Home()
        _ = try home.write("config", "[profile ops]\naws_access_key_id = AKIDOPS\naws_secret_access_key = o\nregion = eu-west-2\n")
        var environment = home.environment
        environment["AWS_ACCESS_KEY_ID"] = "AKIDENV"
        environment["AWS_SECRET_ACCESS_KEY"] = "env-secret"
        #expect(try await Self.chain(environment, profile: "ops").credentials().accessKeyID == "AKIDOPS")
        let error = #expect(throws: AWSProviderError.self) { try Self.chain(environment, profile: "missing") }
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.message.contains("aws.credential_profile: no profile \"missing\"") == true)
        // The profile's region is the region when none is configured.
        let configuration = AWSProviderConfiguration(credentialProfile: "ops", environment: home.environment)
        #expect(try configuration.resolvedRegions() == ["eu-west-2"])
    }

    @Test func roleARNWithSourceProfileAssumesTheRoleSignedWithTheSourceKeys() async throws {
        let home = try Home()
        _ = try home.write("credentials", "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n")
        _ = try home.write(
            "config", "[profile deploy]\nrole_arn = arn:aws:iam::123456789012:role/discovery\nsource_profile = base\nrole_session_name = haproxy\nexternal_id = ext-1\n"
        )
        let seen = Locked<[FakeRequest]>([])
        let sts = try await FakeHTTPServer.start { request in
            seen.withLock { $0.append(request) }
            return Self.stsAnswer("AssumeRole", key: "ASIAROLE")
        }
        defer { Task { await sts.stop() } }
        var environment = home.environment
        environment["AWS_ENDPOINT_URL_STS"] = sts.baseURL
        let credentials = try await Self.chain(environment, profile: "deploy").credentials()
        #expect(credentials.accessKeyID == "ASIAROLE")
        #expect(credentials.sessionToken == "token-ASIAROLE")
        let request = try #require(seen.withLock { $0.first })
        #expect(request.form["Action"] == "AssumeRole")
        #expect(request.form["RoleArn"] == "arn:aws:iam::123456789012:role/discovery")
        #expect(request.form["RoleSessionName"] == "haproxy")
        #expect(request.form["ExternalId"] == "ext-1")
        #expect(request.header("Authorization")?.contains("Credential=AKIDBASE/") == true)
        #expect(request.header("Authorization")?.contains("/us-east-1/sts/aws4_request") == true)
    }

    @Test func webIdentityReadsTheTokenFileOnEveryRefresh() async throws {
        let home = try Home()
        let tokenFile = try home.write("token", "first-token\n")
        let tokens = Locked<[String]>([])
        let sts = try await FakeHTTPServer.start { request in
            tokens.withLock { $0.append(request.form["WebIdentityToken"] ?? "") }
            // Credentials that are already inside the refresh margin, so every call refreshes.
            return Self.stsAnswer("AssumeRoleWithWebIdentity", key: "ASIAWEB", expiresIn: 60)
        }
        defer { Task { await sts.stop() } }
        var environment = home.environment
        environment["AWS_ENDPOINT_URL_STS"] = sts.baseURL
        environment["AWS_WEB_IDENTITY_TOKEN_FILE"] = tokenFile
        environment["AWS_ROLE_ARN"] = "arn:aws:iam::123456789012:role/eks-discovery"
        let chain = try Self.chain(environment)
        #expect(try await chain.credentials().accessKeyID == "ASIAWEB")
        _ = try home.write("token", "rotated-token")
        _ = try await chain.credentials()
        #expect(tokens.withLock { $0 } == ["first-token", "rotated-token"])
    }

    @Test func webIdentityRequestIsUnsigned() async throws {
        let home = try Home()
        let tokenFile = try home.write("token", "jwt")
        let authorization = Locked<String?>("unset")
        let sts = try await FakeHTTPServer.start { request in
            authorization.withLock { $0 = request.header("Authorization") }
            return Self.stsAnswer("AssumeRoleWithWebIdentity", key: "ASIAWEB")
        }
        defer { Task { await sts.stop() } }
        var environment = home.environment
        environment["AWS_ENDPOINT_URL"] = sts.baseURL
        environment["AWS_WEB_IDENTITY_TOKEN_FILE"] = tokenFile
        environment["AWS_ROLE_ARN"] = "arn:aws:iam::123456789012:role/eks-discovery"
        _ = try await Self.chain(environment).credentials()
        #expect(authorization.withLock { $0 } == nil)
    }

    @Test func containerCredentialsWithAuthorizationToken() async throws {
        let home = try Home()
        let seen = Locked<FakeRequest?>(nil)
        let ecs = try await FakeHTTPServer.start { request in
            seen.withLock { $0 = request }
            return .json(200, #"{"AccessKeyId":"ASIAECS","SecretAccessKey":"ecs-secret","Token":"ecs-token","Expiration":"2099-01-01T00:00:00Z","RoleArn":"arn:aws:iam::1:role/task"}"#)
        }
        defer { Task { await ecs.stop() } }
        var environment = home.environment
        environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = "/v2/credentials/abc"
        environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "Basic ecs-auth"
        let credentials = try await Self.chain(environment, containerBase: ecs.baseURL).credentials()
        #expect(credentials.accessKeyID == "ASIAECS")
        #expect(credentials.sessionToken == "ecs-token")
        #expect(seen.withLock { $0?.path } == "/v2/credentials/abc")
        #expect(seen.withLock { $0?.header("Authorization") } == "Basic ecs-auth")
    }

    @Test func containerFullURIMustBeHTTPSOrLoopback() async throws {
        let source = ContainerCredentials(
            environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://10.0.0.1/creds"], transport: AsyncHTTPTransport(client: .shared)
        )
        #expect(throws: AWSProviderError.self) { try source.url() }
        let loopback = ContainerCredentials(
            environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:9911/creds"], transport: AsyncHTTPTransport(client: .shared)
        )
        #expect(try loopback.url() == "http://127.0.0.1:9911/creds")
    }

    @Test func instanceMetadataUsesIMDSv2() async throws {
        let home = try Home()
        let seen = Locked<[String]>([])
        let imds = try await FakeHTTPServer.start { request in
            let token = request.header("X-aws-ec2-metadata-token") ?? "-"
            seen.withLock { $0.append("\(request.method) \(request.path) \(token)") }
            switch (request.method, request.path) {
            case ("PUT", "/latest/api/token"):
                guard request.header("X-aws-ec2-metadata-token-ttl-seconds") == "21600" else { return FakeResponse(status: 400) }
                return FakeResponse(status: 200, body: Array("imds-session".utf8))
            case ("GET", _) where token != "imds-session":
                return FakeResponse(status: 401)
            case ("GET", "/latest/meta-data/iam/security-credentials/"):
                return FakeResponse(status: 200, body: Array("discovery-role".utf8))
            case ("GET", "/latest/meta-data/iam/security-credentials/discovery-role"):
                return .json(200, #"{"Code":"Success","LastUpdated":"2026-12-01T00:00:00Z","Type":"AWS-HMAC","AccessKeyId":"ASIAIMDS","SecretAccessKey":"imds-secret","Token":"imds-token","Expiration":"2099-01-01T00:00:00Z"}"#)
            default:
                return FakeResponse(status: 404)
            }
        }
        defer { Task { await imds.stop() } }
        var environment = home.environment
        environment["AWS_EC2_METADATA_DISABLED"] = nil
        environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = imds.baseURL
        let chain = try Self.chain(environment)
        let credentials = try await chain.credentials()
        #expect(credentials.accessKeyID == "ASIAIMDS")
        #expect(credentials.expiration == ISO8601DateFormatter().date(from: "2099-01-01T00:00:00Z"))
        // Cached until close to expiry: a second call costs no request.
        _ = try await chain.credentials()
        #expect(seen.withLock { $0 } == [
            "PUT /latest/api/token -",
            "GET /latest/meta-data/iam/security-credentials/ imds-session",
            "GET /latest/meta-data/iam/security-credentials/discovery-role imds-session",
        ])
    }

    @Test func nothingAnywhereSaysWhatWasTried() async throws {
        let home = try Home()
        let error = await #expect(throws: AWSProviderError.self) { try await Self.chain(home.environment).credentials() }
        #expect(error?.code == .credentialUnavailable)
        #expect(error?.message.contains("environment: AWS_ACCESS_KEY_ID is not set") == true)
        #expect(error?.message.contains("instance metadata: instance metadata is disabled") == true)
    }

    @Test func temporaryCredentialsRefreshBeforeTheyExpire() async throws {
        let clock = Locked(Date(timeIntervalSince1970: 1_000_000))
        let fetches = Locked(0)
        let refreshing = RefreshingCredentials(refreshMargin: 300, now: { clock.withLock { $0 } }) {
            let n = fetches.withLock { $0 += 1; return $0 }
            return AWSCredentials(
                accessKeyID: "ASIA\(n)", secretAccessKey: "s", sessionToken: "t",
                expiration: clock.withLock { $0 }.addingTimeInterval(3600)
            )
        }
        #expect(try await refreshing.credentials().accessKeyID == "ASIA1")
        clock.withLock { $0 = $0.addingTimeInterval(3000) }  // 10 minutes left: still good
        #expect(try await refreshing.credentials().accessKeyID == "ASIA1")
        clock.withLock { $0 = $0.addingTimeInterval(400) }  // under 5 minutes left: renewed
        #expect(try await refreshing.credentials().accessKeyID == "ASIA2")
    }
}
