import AzureProvider
import DiscoverydCore
import Foundation
import HAProxySink
import Logging
import ProviderKit
import StaticFileProvider
import Testing

@Suite("Loading configuration files")
struct ConfigurationLoadingTests {
    static let pythonEnvironment = [
        "AZURE_SUBSCRIPTION_ID": "6f1c7a52-0000-4c8e-9f0e-1a2b3c4d5e6f",
        "AZURE_TENANT_ID": "72f988bf-0000-41af-91ab-2d7cd011db47",
        "AZURE_CLIENT_ID": "0b1e5e3c-0000-4f7b-8d2e-5a6b7c8d9e0f",
        "AZURE_CLIENT_SECRET": "s3cr3t-from-env",
        "HAPROXY_DATAPLANE_PASSWORD": "dp-pa55word",
    ]

    @Test("the Python daemon's own example file loads unchanged with its values")
    func pythonDaemonExample() throws {
        let path = RepositoryPaths.fixture("config/python-daemon-example.yaml")
        let configuration = try ConfigurationLoader(environment: Self.pythonEnvironment).load(path: path)

        let azure = try #require(configuration.azure)
        #expect(azure.subscriptionIDs == ["6f1c7a52-0000-4c8e-9f0e-1a2b3c4d5e6f"])
        #expect(azure.resourceGroups.isEmpty)
        #expect(azure.credentialType == .default)
        #expect(configuration.tags == TagsSection())
        let haproxy = configuration.haproxy
        #expect(haproxy.baseURL.absoluteString == "http://localhost:5555")
        #expect(haproxy.apiVersion == .v2)
        #expect(haproxy.username == "admin")
        #expect(haproxy.password?.revealed == "dp-pa55word")
        #expect(haproxy.serverSlots.growthType == .linear && haproxy.serverSlots.growthFactor == 1.5)
        #expect(haproxy.availabilityZone == nil)
        #expect(haproxy.azWeightTag == "HAProxy:Instance:AZperc")
        #expect(configuration.polling == PollingSection())
        #expect(configuration.logging.level == .info && configuration.logging.format == .json)
    }

    @Test("leaving out every optional key gives exactly the values the Python daemon's example writes out")
    func defaultsAreThePythonDaemons() throws {
        let loader = ConfigurationLoader(environment: Self.pythonEnvironment)
        let written = try loader.load(path: RepositoryPaths.fixture("config/python-daemon-example.yaml"))
        let minimal = try loader.load(
            yaml: """
                azure:
                  subscription_id: "${AZURE_SUBSCRIPTION_ID}"
                haproxy:
                  password: "${HAPROXY_DATAPLANE_PASSWORD}"
                """
        )
        #expect(minimal.haproxy == written.haproxy)
        #expect(minimal.azure == written.azure)
        #expect(minimal.tags == written.tags)
        #expect(minimal.polling == written.polling)
        #expect(minimal.logging == written.logging)
    }

    @Test("the extended example (the Python format plus discoveryd's keys) loads with the expected values")
    func extendedExample() throws {
        let path = RepositoryPaths.fixture("config/discoveryd-extended.yaml")
        let configuration = try ConfigurationLoader(environment: Self.pythonEnvironment).load(path: path)

        let azure = try #require(configuration.azure)
        #expect(azure.subscriptionIDs == ["6f1c7a52-0000-4c8e-9f0e-1a2b3c4d5e6f"])
        #expect(azure.resourceGroups == ["rg-web-prod-weu", "rg-api-prod-weu"])
        #expect(azure.credentialType == .clientSecret)
        #expect(azure.tenantID == "72f988bf-0000-41af-91ab-2d7cd011db47")
        #expect(azure.clientSecret?.revealed == "s3cr3t-from-env")
        #expect(azure.cloud == .azurePublic)
        #expect(azure.address == .private)

        #expect(configuration.tags.tagNames == TagNames())
        #expect(configuration.tags.filter.admits(["Environment": "production", "HAProxy:Service:Name": "web"]))
        #expect(!configuration.tags.filter.admits(["Environment": "production", "HAProxy:Exclude": "true"]))
        #expect(!configuration.tags.filter.admits(["Environment": "staging"]))

        let haproxy = configuration.haproxy
        #expect(haproxy.baseURL.absoluteString == "http://127.0.0.1:5555")
        #expect(haproxy.apiVersion == .v2)
        #expect(haproxy.username == "dataplaneapi")
        #expect(haproxy.password?.revealed == "dp-pa55word")
        #expect(haproxy.timeoutSeconds == 10)
        #expect(haproxy.verifySSL)
        #expect(haproxy.runtimeSocket == nil)
        #expect(haproxy.backend.namePrefix == "azure")
        #expect(haproxy.backend.mode == .http)
        #expect(haproxy.serverSlots.base == 10)
        #expect(haproxy.serverSlots.growthFactor == 1.5)
        #expect(haproxy.serverSlots.growthType == .linear)
        #expect(haproxy.availabilityZone == "1")
        #expect(haproxy.azWeightTag == "AZperc")
        #expect(haproxy.backendOptions["web"]?["balance"] == .string("leastconn"))
        #expect(haproxy.backendOptions["web"]?["httpchk_params"] == .object(["method": .string("GET"), "uri": .string("/healthz")]))
        #expect(haproxy.backendOptions["api"]?["check_timeout"] == .int(2000))

        #expect(configuration.polling.intervalSeconds == 30)
        #expect(configuration.polling.maxBackoffSeconds == 300)
        // Python logging spells levels in capitals.
        #expect(configuration.logging.level == .info)
        #expect(configuration.logging.format == .json)
        #expect(configuration.staticFiles.isEmpty)
    }

    @Test("every key left out takes the documented default")
    func defaults() throws {
        let configuration = try ConfigurationLoader(environment: [:]).load(
            yaml: """
                static:
                  path: instances.yaml
                haproxy:
                  password: pw
                """,
            directory: "/etc/discoveryd"
        )
        #expect(configuration.azure == nil)
        #expect(configuration.staticFiles == [StaticSection(path: "instances.yaml", resolvedPath: "/etc/discoveryd/instances.yaml")])
        #expect(configuration.tags.serviceNameTag == "HAProxy:Service:Name")
        #expect(configuration.tags.servicePortTag == "HAProxy:Service:Port")
        #expect(configuration.tags.instancePortTag == "HAProxy:Instance:Port")
        #expect(configuration.tags.allowlist.isEmpty && configuration.tags.denylist.isEmpty)
        let haproxy = configuration.haproxy
        // The Python daemon's defaults (its config.py).
        #expect(haproxy.baseURL.absoluteString == "http://localhost:5555")
        #expect(haproxy.apiVersion == .v2)
        #expect(haproxy.username == "admin")
        #expect(haproxy.timeoutSeconds == 10)
        #expect(haproxy.verifySSL)
        #expect(haproxy.caFile == nil)
        #expect(haproxy.applyMode == .incremental)
        #expect(haproxy.runtimeSocket == nil)
        #expect(haproxy.backend == BackendSection())
        #expect(haproxy.backend.namePrefix == "azure" && haproxy.backend.nameSeparator == "-")
        #expect(haproxy.backend.balance == "roundrobin" && haproxy.backend.mode == .http)
        #expect(haproxy.serverSlots.base == 10)
        #expect(haproxy.serverSlots.growthFactor == 1.5)
        #expect(haproxy.serverSlots.growthType == .linear)
        #expect(haproxy.availabilityZone == nil && haproxy.azWeightTag == "HAProxy:Instance:AZperc")
        #expect(haproxy.backendOptions.isEmpty)
        #expect(configuration.polling == PollingSection())
        #expect(configuration.polling.intervalSeconds == 30 && configuration.polling.jitterSeconds == 5)
        #expect(configuration.polling.maxBackoffSeconds == 300 && configuration.polling.backoffBaseSeconds == 5)
        #expect(configuration.logging.level == .info)
        #expect(configuration.logging.format == .json)
        #expect(configuration.polling.shutdownTimeoutSeconds == 30)
        #expect(haproxy.runtimeBackends.isEmpty && !haproxy.allowInsecureHTTP)
        #expect(configuration.safety.drainGuard == .standard)
    }

    @Test("the safety keys reach the mass-drain guard, the sink settings and the shutdown timeout")
    func safetyKeys() throws {
        let configuration = try ConfigurationLoader(environment: [:]).load(
            yaml: """
                static:
                  path: instances.yaml
                haproxy:
                  runtime_socket: /run/haproxy/admin.sock
                  runtime_backends: [azure-web-*, legacy-pool]
                  allow_insecure_http: true
                polling:
                  shutdown_timeout_seconds: 12
                safety:
                  max_drain_fraction: 1
                  confirm_cycles: 5
                """
        )
        #expect(configuration.safety.drainGuard == (try DrainGuardPolicy(maxDrainFraction: 1, confirmCycles: 5)))
        #expect(!configuration.safety.drainGuard.isEnabled)
        #expect(configuration.polling.shutdownTimeoutSeconds == 12)
        #expect(configuration.haproxy.allowInsecureHTTP)
        let settings = try HAProxySinkSettings(configuration.haproxy)
        #expect(settings.runtimeOwnership.patterns == ["azure-web-*", "legacy-pool"])

        let error = try #require(throws: ConfigurationError.self) {
            try ConfigurationLoader(environment: [:]).load(
                yaml: "static: {path: instances.yaml}\nhaproxy: {runtime_socket: /s.sock}\nsafety:\n  max_drain_fraction: 1.5\n"
            )
        }
        #expect(error.line == 4)
        #expect(error.description.contains("safety.max_drain_fraction"))
    }

    @Test("drain_seconds reaches the sink settings and the summary; left out it is 0, the Python daemon's behaviour")
    func drainSeconds() throws {
        let loader = ConfigurationLoader(environment: [:])
        let draining = try loader.load(yaml: "static:\n  path: i.yaml\nhaproxy:\n  runtime_socket: /run/h.sock\n  drain_seconds: 30\n")
        let settings = try HAProxySinkSettings(draining.haproxy)
        #expect(settings.drainPolicy.seconds == 30 && settings.drainPolicy.isEnabled)
        #expect(RuntimeAPISinkKind.summary(of: draining.haproxy).hasSuffix("; departing servers drain 30 s"))
        let immediate = try loader.load(yaml: "static:\n  path: i.yaml\nhaproxy:\n  runtime_socket: /run/h.sock\n")
        #expect(try HAProxySinkSettings(immediate.haproxy).drainPolicy == .immediate)
        #expect(!RuntimeAPISinkKind.summary(of: immediate.haproxy).contains("drain"))
    }

    @Test("az_weight_tag: \"\" turns percentage weights off")
    func emptyWeightTag() throws {
        let configuration = try ConfigurationLoader(environment: [:]).load(
            yaml: "static:\n  path: i.yaml\nhaproxy:\n  password: pw\n  az_weight_tag: \"\"\n"
        )
        #expect(configuration.haproxy.azWeightTag == nil)
    }

    @Test("azure defaults, and credentials fall back to the AZURE_* environment")
    func azureDefaults() throws {
        let configuration = try ConfigurationLoader(environment: ["AZURE_CLIENT_ID": "from-env"]).load(
            yaml: """
                azure:
                  subscription_id: sub-1
                haproxy:
                  runtime_socket: /run/haproxy/admin.sock
                """
        )
        let azure = try #require(configuration.azure)
        #expect(azure.resourceGroups.isEmpty)
        #expect(azure.credentialType == .default)
        #expect(azure.tenantID == nil)
        #expect(azure.clientID == "from-env")
        #expect(azure.clientSecret == nil)
        #expect(azure.cloud == .azurePublic)
        #expect(azure.caFile == nil)
        #expect(azure.address == .private)
        #expect(configuration.haproxy.runtimeSocket == .unix(path: "/run/haproxy/admin.sock"))
    }

    @Test("several providers: a list of subscriptions and a list of static files")
    func severalProviders() throws {
        let configuration = try ConfigurationLoader(environment: ["SUB_B": "sub-b"]).load(
            yaml: """
                azure:
                  subscription_id:
                    - sub-a
                    - ${SUB_B}
                static:
                  - path: one.yaml
                  - path: /abs/two.json
                haproxy:
                  runtime_socket: tcp://127.0.0.1:9999
                """,
            directory: "/srv"
        )
        #expect(configuration.azure?.subscriptionIDs == ["sub-a", "sub-b"])
        #expect(configuration.staticFiles.map(\.resolvedPath) == ["/srv/one.yaml", "/abs/two.json"])
        #expect(configuration.haproxy.runtimeSocket == .tcp(host: "127.0.0.1", port: 9999))
        #expect(configuration.summary.contains("2 Azure subscriptions + 2 static files"))
    }

    @Test("a custom cloud is given by its two endpoints")
    func customCloud() throws {
        let configuration = try ConfigurationLoader(environment: [:]).load(
            yaml: """
                azure:
                  subscription_id: sub
                  cloud:
                    resource_manager: https://management.local
                    authority_host: https://login.local
                  address: public
                haproxy: {password: pw}
                """
        )
        #expect(configuration.azure?.cloud.resourceManager.absoluteString == "https://management.local")
        #expect(configuration.azure?.cloud.authorityHost.absoluteString == "https://login.local")
        #expect(configuration.azure?.address == .public)
    }

    @Test("secrets never show in descriptions, debug descriptions or dumps")
    func secretsAreRedacted() throws {
        let configuration = try ConfigurationLoader(environment: Self.pythonEnvironment).load(
            path: RepositoryPaths.fixture("config/discoveryd-extended.yaml")
        )
        var dumped = ""
        dump(configuration, to: &dumped)
        for text in [String(describing: configuration), String(reflecting: configuration), dumped] {
            #expect(!text.contains("dp-pa55word"))
            #expect(!text.contains("s3cr3t-from-env"))
            #expect(text.contains("redacted"))
        }
        #expect("\(Secret("hunter2"))" == "<redacted>")
    }
}
