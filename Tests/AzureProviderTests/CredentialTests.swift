import AsyncHTTPClient
import AzureProviderTesting
import Foundation
import HTTPSupport
import Logging
import Synchronization
import Testing

@testable import AzureProvider

/// Each credential kind against the fake token endpoints.
@Suite struct CredentialTests {
    static func credential(
        _ configuration: AzureProviderConfiguration,
        clock: ManualClock = ManualClock()
    ) throws -> any TokenCredential {
        try CredentialFactory.make(
            configuration, transport: AsyncHTTPTransport(client: .shared), logger: Logger(label: "test"), now: clock.reader
        )
    }

    @Test func clientSecretFromConfigurationIsCachedUntilShortlyBeforeExpiry() async throws {
        try await FakeAzure.with { fake in
            let clock = ManualClock()
            let credential = try Self.credential(fake.configuration(), clock: clock)
            let first = try await credential.accessToken()
            _ = try await credential.accessToken()
            clock.advance(by: 3600 - 5 * 60 - 1)
            #expect(try await credential.accessToken() == first)
            #expect(fake.count(.entraToken) == 1)

            clock.advance(by: 2)
            let second = try await credential.accessToken()
            #expect(second != first)
            #expect(fake.count(.entraToken) == 2)

            let form = try #require(fake.requests.last?.form)
            #expect(form["grant_type"] == "client_credentials")
            #expect(form["client_id"] == "11111111-2222-3333-4444-555555555555")
            #expect(form["client_secret"] == "s3cr3t-value")
            #expect(form["scope"] == "\(fake.baseURL)/.default")
            #expect(fake.requests.last?.path == "/contoso.onmicrosoft.com/oauth2/v2.0/token")
        }
    }

    @Test func clientSecretFromTheEnvironment() async throws {
        try await FakeAzure.with { fake in
            var configuration = try fake.configuration()
            configuration.tenantID = nil
            configuration.clientID = nil
            configuration.clientSecret = nil
            configuration.environment = [
                "AZURE_TENANT_ID": "env-tenant", "AZURE_CLIENT_ID": "env-client", "AZURE_CLIENT_SECRET": "s3cr3t-value",
            ]
            _ = try await Self.credential(configuration).accessToken()
            #expect(fake.requests.last?.path == "/env-tenant/oauth2/v2.0/token")
            #expect(fake.requests.last?.form["client_id"] == "env-client")
        }
    }

    @Test(arguments: [false, true])
    func bothExpiryFormats(asString: Bool) async throws {
        try await FakeAzure.with { fake in
            fake.state.withLock {
                $0.tokenExpiryAsString = asString
                $0.tokenLifetime = 1800
            }
            let clock = ManualClock()
            let token = try await Self.credential(fake.configuration(), clock: clock).accessToken()
            if asString {
                // `expires_on` (epoch seconds, as a string) wins and is absolute.
                #expect(abs(token.expiresOn.timeIntervalSinceNow - 1800) < 60)
            } else {
                #expect(token.expiresOn == clock.now.addingTimeInterval(1800))
            }
        }
    }

    @Test func tokenResponsesAcceptNumbersStringsAndDates() throws {
        let now = Date(timeIntervalSince1970: 1_000)
        func decode(_ json: String) throws -> AccessToken {
            try JSONDecoder().decode(TokenResponse.self, from: Data(json.utf8)).accessToken(now: now, endpoint: "test")
        }
        #expect(try decode(#"{"access_token": "a", "expires_in": 3599}"#).expiresOn == Date(timeIntervalSince1970: 4_599))
        #expect(try decode(#"{"access_token": "a", "expires_in": "3599"}"#).expiresOn == Date(timeIntervalSince1970: 4_599))
        #expect(try decode(#"{"access_token": "a", "expires_in": "3599", "expires_on": "1506484173"}"#).expiresOn == Date(timeIntervalSince1970: 1_506_484_173))
        #expect(try decode(#"{"access_token": "a", "expires_on": 1506484173.0}"#).expiresOn == Date(timeIntervalSince1970: 1_506_484_173))
        // Older App Service endpoints: Go layout `1/2/2006 15:04:05 PM -07:00` (24-hour clock plus AM/PM).
        #expect(try decode(#"{"access_token": "a", "expires_on": "1/2/2006 15:04:05 PM +00:00"}"#).expiresOn == Date(timeIntervalSince1970: 1_136_214_245))
        #expect(throws: AzureProviderError.self) { try decode(#"{"access_token": "a"}"#) }
    }

    @Test func aRefusedSecretNeverAppearsInTheError() async throws {
        try await FakeAzure.with { fake in
            var configuration = try fake.configuration()
            configuration.clientSecret = "wrong-secret-do-not-print"
            let error = await #expect(throws: AzureProviderError.self) {
                _ = try await Self.credential(configuration).accessToken()
            }
            #expect(error?.code == .authenticationFailed)
            #expect(error?.message.contains("AADSTS7000215") == true)
            #expect(error?.description.contains("wrong-secret-do-not-print") == false)
        }
    }

    @Test func managedIdentityOverIMDSWithUserAssignedClientIDAndRetries() async throws {
        try await FakeAzure.with { fake in
            let sleeper = RecordingSleeper()
            var configuration = try fake.configuration(sleeper: sleeper)
            configuration.credentialKind = .managedIdentity
            configuration.clientID = "user-assigned-client"
            fake.state.withLock { $0.imdsFailures = (2, 503) }
            let credential = try Self.credential(configuration)
            _ = try await credential.accessToken()
            _ = try await credential.accessToken()
            #expect(fake.count(.imdsToken) == 3)
            // azidentity's IMDS backoff: 2 s base, exponential.
            #expect(sleeper.delays == [.seconds(2), .seconds(6)])
            let request = try #require(fake.requests.last)
            #expect(request.header("Metadata") == "true")
            #expect(request.query["api-version"] == "2018-02-01")
            #expect(request.query["client_id"] == "user-assigned-client")
            #expect(request.query["resource"] == fake.baseURL)
        }
    }

    @Test func systemAssignedManagedIdentitySendsNoClientID() async throws {
        try await FakeAzure.with { fake in
            var configuration = try fake.configuration()
            configuration.credentialKind = .managedIdentity
            configuration.clientID = ""
            _ = try await Self.credential(configuration).accessToken()
            #expect(fake.requests.last?.query["client_id"] == nil)
        }
    }

    @Test func appServiceManagedIdentity() async throws {
        try await FakeAzure.with { fake in
            var configuration = try fake.configuration()
            configuration.credentialKind = .managedIdentity
            configuration.environment = ["IDENTITY_ENDPOINT": "\(fake.baseURL)/msi/token", "IDENTITY_HEADER": "app-service-secret"]
            _ = try await Self.credential(configuration).accessToken()
            #expect(fake.count(.appServiceToken) == 1)
            #expect(fake.count(.imdsToken) == 0)
        }
    }

    @Test func workloadIdentityReadsTheRotatedAssertion() async throws {
        try await FakeAzure.with { fake in
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("azure-federated-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: file) }
            try "assertion-one\n".write(to: file, atomically: true, encoding: .utf8)
            var configuration = try fake.configuration()
            configuration.credentialKind = .workloadIdentity
            configuration.clientSecret = nil
            configuration.environment = ["AZURE_FEDERATED_TOKEN_FILE": file.path]
            let clock = ManualClock()
            let credential = try Self.credential(configuration, clock: clock)
            _ = try await credential.accessToken()
            #expect(fake.requests.last?.form["client_assertion"] == "assertion-one")
            #expect(fake.requests.last?.form["client_secret"] == nil)

            try "assertion-two".write(to: file, atomically: true, encoding: .utf8)
            clock.advance(by: 3600)
            _ = try await credential.accessToken()
            #expect(fake.requests.last?.form["client_assertion"] == "assertion-two")
            #expect(fake.requests.last?.form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
        }
    }

    @Test func azureCLI() async throws {
        let directory = try FakeCLI.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let az = try FakeCLI.write(
            in: directory,
            script: """
                echo "$@" > "\(directory.path)/args"
                echo '{"accessToken": "cli-token", "expiresOn": "2030-01-01 00:00:00.000000", "expires_on": 1893456000, "tokenType": "Bearer"}'
                """
        )
        let configuration = AzureProviderConfiguration(
            subscriptionIDs: ["s"], credentialKind: .azureCLI, tenantID: "my-tenant", environment: [:], azureCLIPath: az
        )
        let token = try await Self.credential(configuration).accessToken()
        #expect(token.token == "cli-token")
        #expect(token.expiresOn == Date(timeIntervalSince1970: 1_893_456_000))
        let arguments = try String(contentsOf: directory.appendingPathComponent("args"), encoding: .utf8)
        #expect(arguments.trimmingCharacters(in: .newlines)
            == "account get-access-token --output json --resource https://management.core.windows.net/ --tenant my-tenant")
    }

    @Test func azureCLIFailureShowsItsErrorButNotItsOutput() async throws {
        let directory = try FakeCLI.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let az = try FakeCLI.write(
            in: directory, script: "echo 'partial-secret-output'; echo \"ERROR: Please run 'az login' to setup account.\" >&2; exit 1"
        )
        let configuration = AzureProviderConfiguration(subscriptionIDs: ["s"], credentialKind: .azureCLI, environment: [:], azureCLIPath: az)
        let error = await #expect(throws: AzureProviderError.self) { _ = try await Self.credential(configuration).accessToken() }
        #expect(error?.message.contains("Please run 'az login'") == true)
        #expect(error?.message.contains("partial-secret-output") == false)
    }

    @Test func defaultChainPrefersTheEnvironment() async throws {
        try await FakeAzure.with { fake in
            var configuration = try fake.configuration()
            configuration.credentialKind = .default
            configuration.tenantID = nil
            configuration.clientID = nil
            configuration.clientSecret = nil
            configuration.environment = ["AZURE_TENANT_ID": "t", "AZURE_CLIENT_ID": "c", "AZURE_CLIENT_SECRET": "s3cr3t-value"]
            _ = try await Self.credential(configuration).accessToken()
            #expect(fake.count(.entraToken) == 1)
            #expect(fake.count(.imdsToken) == 0)
        }
    }

    @Test func defaultChainFallsThroughToManagedIdentity() async throws {
        try await FakeAzure.with { fake in
            var configuration = try fake.configuration()
            configuration.credentialKind = .default
            configuration.tenantID = nil
            configuration.clientID = nil
            configuration.clientSecret = nil
            // The fake IMDS answers at once; the deadline only has to outlast a machine busy with other tests.
            configuration.managedIdentityProbeTimeout = .seconds(15)
            let credential = try Self.credential(configuration)
            _ = try await credential.accessToken()
            #expect(fake.count(.imdsToken) == 1)
        }
    }

    @Test func defaultChainExplainsEveryFailure() async throws {
        let closedPort = try await FakeHTTPServer.start { _ in FakeResponse(status: 500) }
        let unreachable = closedPort.baseURL
        await closedPort.stop()
        let configuration = AzureProviderConfiguration(
            subscriptionIDs: ["s"],
            credentialKind: .default,
            environment: [:],
            instanceMetadataEndpoint: URL(string: unreachable)!,
            azureCLIPath: "/nonexistent/az"
        )
        let error = await #expect(throws: AzureProviderError.self) { _ = try await Self.credential(configuration).accessToken() }
        #expect(error?.code == .credentialUnavailable)
        let message = error?.message ?? ""
        #expect(message.contains("EnvironmentCredential: azure.tenant_id is not set and neither is AZURE_TENANT_ID"))
        #expect(message.contains("WorkloadIdentityCredential: azure.tenant_id is not set"))
        #expect(message.contains("ManagedIdentityCredential: no managed identity endpoint answered"))
        #expect(message.contains("AzureCLICredential: cannot run /nonexistent/az: no such file; is the Azure CLI installed?"))
        #expect(!message.contains("Error Domain"))
    }
}

enum FakeCLI {
    static func directory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fake-az-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    static func write(in directory: URL, script: String) throws -> String {
        let file = directory.appendingPathComponent("az")
        try "#!/bin/sh\n\(script)\n".write(to: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file.path)
        return file.path
    }
}
