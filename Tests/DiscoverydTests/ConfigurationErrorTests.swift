import AzureProvider
import DiscoverydCore
import Foundation
import HAProxySink
import Logging
import ProviderKit
import StaticFileProvider
import Testing

@Suite("Configuration errors name the file, line, key and fix")
struct ConfigurationErrorTests {
    /// Loads `yaml` as `config.yaml` and returns the error it must raise.
    func loadingError(
        _ yaml: String,
        environment: [String: String] = [:],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> ConfigurationError {
        try #require(throws: ConfigurationError.self, sourceLocation: sourceLocation) {
            try ConfigurationLoader(environment: environment).load(yaml: yaml, file: "config.yaml")
        }
    }

    static let validPrefix = """
        static:
          path: instances.yaml
        haproxy:
          password: pw

        """

    @Test("an unknown key names its path and the closest valid key, at its line")
    func unknownKeyWithSuggestion() throws {
        let error = try loadingError(
            """
                static:
                  path: instances.yaml
                haproxy:
                  password: pw
                  backend:
                    mode: tcp
                  server_slot:
                    base: 20
                """
        )
        #expect(error.code == .unknownKey)
        #expect(error.description == #"config.yaml:7: unknown key "haproxy.server_slot"; did you mean "server_slots"?"#)
    }

    @Test("an unknown top-level key and one inside a list item are caught the same way")
    func unknownKeysEverywhere() throws {
        let topLevel = try loadingError(Self.validPrefix + "azur:\n  subscription_id: x\n")
        #expect(topLevel.description == #"config.yaml:5: unknown key "azur"; did you mean "azure"?"#)

        let inList = try loadingError(
            """
                static:
                  - path: a.yaml
                  - pth: b.yaml
                haproxy: {runtime_socket: /run/haproxy.sock}
                """
        )
        #expect(inList.description == #"config.yaml:3: unknown key "static[1].pth"; did you mean "path"?"#)
    }

    @Test("an unknown key with no close match lists the valid keys")
    func unknownKeyWithoutSuggestion() throws {
        let error = try loadingError(Self.validPrefix + "logging:\n  colour_scheme: dark\n")
        #expect(error.line == 6)
        #expect(error.description.contains(#"unknown key "logging.colour_scheme"; valid keys here are: level, format"#))
    }

    @Test("a missing environment variable is named with its line")
    func missingVariable() throws {
        let error = try loadingError(
            """
                # ${NOT_SET_IN_COMMENT} is fine in a comment
                azure:
                  subscription_id: "${AZURE_SUBSCRIPTION_ID}"
                """
        )
        #expect(error.code == .undefinedVariable)
        #expect(error.line == 3)
        #expect(error.description.hasPrefix("config.yaml:3: environment variable AZURE_SUBSCRIPTION_ID is not set"))
        #expect(error.description.contains("${AZURE_SUBSCRIPTION_ID:-value}"))
    }

    @Test("${VAR:-default} uses the default when the variable is unset or empty, the value when set")
    func defaultsInInterpolation() throws {
        let yaml = Self.validPrefix + "polling:\n  interval_seconds: ${POLL:-45}\nlogging:\n  level: ${LEVEL:-debug}\n"
        let unset = try ConfigurationLoader(environment: [:]).load(yaml: yaml)
        #expect(unset.polling.intervalSeconds == 45)
        #expect(unset.logging.level == .debug)

        let empty = try ConfigurationLoader(environment: ["POLL": ""]).load(yaml: yaml)
        #expect(empty.polling.intervalSeconds == 45)

        let set = try ConfigurationLoader(environment: ["POLL": "60", "LEVEL": "WARNING"]).load(yaml: yaml)
        #expect(set.polling.intervalSeconds == 60)
        #expect(set.logging.level == .warning)

        let interpolation = EnvironmentInterpolation(environment: ["SET": "value"])
        #expect(try interpolation.interpolate(value: "$${NOT_A_VAR}") == "${NOT_A_VAR}")
        #expect(try interpolation.interpolate(value: "#${SET}") == "#value")
        #expect(try interpolation.interpolate(value: "${SET:-x}${SET}") == "valuevalue")
    }

    /// Seen: `password: ${PW}` with `PW='abc #tail'` became `abc`, and a newline inside a quoted value was
    /// folded: the value was substituted into the raw text before YAML read it.
    @Test("${VAR} values are taken literally: a # is no comment, a newline stays, quotes are no syntax")
    func substitutedValuesAreLiteral() throws {
        let yaml = """
            static:
              path: instances.yaml
            haproxy:
              password: ${PW}
              username: "${USER_NAME}"
            """
        let environment = ["PW": "abc #tail", "USER_NAME": "line one\nline \"two\": x"]
        let configuration = try ConfigurationLoader(environment: environment).load(yaml: yaml)
        #expect(configuration.haproxy.password?.revealed == "abc #tail")
        #expect(configuration.haproxy.username == "line one\nline \"two\": x")
    }

    @Test("an unset variable in a value after a multi-line value is reported at its own line")
    func unsetVariableLineAfterSubstitution() throws {
        let error = try loadingError(
            Self.validPrefix + "azure:\n  tenant_id: ${MULTI}\n  subscription_id: ${UNSET_SUB}\n",
            environment: ["MULTI": "a\nb\nc"]
        )
        #expect(error.code == .undefinedVariable)
        #expect(error.line == 7)
    }

    @Test(
        "out-of-range and unknown words name the key path, line, bad value and what is allowed",
        arguments: [
            (
                "haproxy:\n  password: pw\n  server_slots:\n    base: 5\n",
                "config.yaml:4: haproxy.server_slots.base: invalid value 5; expected a whole number >= 10"
            ),
            (
                "haproxy:\n  password: pw\n  server_slots:\n    growth_type: exponential\n    growth_factor: 1\n",
                "config.yaml:5: haproxy.server_slots.growth_factor: invalid value 1.0; expected a number > 1 for exponential growth (e.g. 2.0)"
            ),
            (
                "haproxy:\n  password: pw\n  server_slots:\n    growth_factor: 5000\n",
                "config.yaml:4: haproxy.server_slots.growth_factor: invalid value 5000.0; expected a number <= 1000"
            ),
            (
                "haproxy:\n  password: pw\npolling:\n  interval_seconds: 2\n",
                "config.yaml:4: polling.interval_seconds: invalid value 2; expected a number of seconds >= 5"
            ),
            (
                "haproxy:\n  password: pw\npolling:\n  fetch_timeout_seconds: 0\n",
                "config.yaml:4: polling.fetch_timeout_seconds: invalid value 0; expected a number of seconds > 0"
            ),
            (
                "haproxy:\n  password: pw\n  backend:\n    mode: ftp\n",
                #"config.yaml:4: haproxy.backend.mode: invalid value "ftp"; expected one of: http, tcp"#
            ),
            (
                "haproxy:\n  password: pw\n  server_slots:\n    growth_type: cubic\n",
                #"config.yaml:4: haproxy.server_slots.growth_type: invalid value "cubic"; expected one of: linear, exponential"#
            ),
            (
                "haproxy:\n  password: pw\n  drain_seconds: -5\n",
                "config.yaml:3: haproxy.drain_seconds: invalid value -5.0; expected a number of seconds from 0 "
                    + "(free a departed server's slot at once) to 86400"
            ),
            (
                "haproxy:\n  password: pw\n  api_version: v4\n",
                #"config.yaml:3: haproxy.api_version: invalid value "v4"; expected one of: v2, v3"#
            ),
            (
                "haproxy:\n  password: pw\n  apply_mode: yolo\n",
                #"config.yaml:3: haproxy.apply_mode: invalid value "yolo"; expected one of: incremental, atomic"#
            ),
            (
                "haproxy:\n  password: pw\nlogging:\n  format: xml\n",
                #"config.yaml:4: logging.format: invalid value "xml"; expected one of: text, json"#
            ),
            (
                "haproxy:\n  password: pw\nlogging:\n  level: loud\n",
                #"config.yaml:4: logging.level: invalid value "loud"; expected one of: trace, debug, info, notice, warning, error, critical"#
            ),
        ]
    )
    func validation(yaml: String, expected: String) throws {
        let error = try loadingError("static:\n  path: i.yaml\n" + yaml)
        // The static lines above shift every line by two.
        let shifted = expected.replacingLine { $0 + 2 }
        #expect(error.description == shifted)
    }

    @Test("azure words: credential type, cloud and address")
    func azureWords() throws {
        let credential = try loadingError(Self.validPrefix + "azure:\n  subscription_id: s\n  credential_type: password\n")
        #expect(credential.description.hasPrefix(#"config.yaml:7: azure.credential_type: invalid value "password"; expected one of: default, client_secret, client_certificate, managed_identity, workload_identity, azure_cli"#))
        let cloud = try loadingError(Self.validPrefix + "azure:\n  subscription_id: s\n  cloud: Mars\n")
        #expect(cloud.description.hasPrefix(#"config.yaml:7: azure.cloud: invalid value "Mars"; expected AzurePublic, AzureUSGovernment, AzureChina"#))
        let address = try loadingError(Self.validPrefix + "azure:\n  subscription_id: s\n  address: both\n")
        #expect(address.description == #"config.yaml:7: azure.address: invalid value "both"; expected one of: private, public"#)
        let secretless = try loadingError(Self.validPrefix + "azure:\n  subscription_id: s\n  credential_type: client_secret\n")
        #expect(secretless.code == .missingKey)
        #expect(secretless.description.contains("azure.tenant_id: required key is missing"))
        #expect(secretless.description.contains("AZURE_TENANT_ID"))

        let certificateless = try loadingError(
            Self.validPrefix + "azure:\n  subscription_id: s\n  tenant_id: t\n  client_id: c\n  credential_type: client_certificate\n"
        )
        #expect(certificateless.code == .missingKey)
        #expect(certificateless.description.contains("azure.client_certificate_path: required key is missing"))
        #expect(certificateless.description.contains("AZURE_CLIENT_CERTIFICATE_PATH"))
    }

    @Test("certificate keys: the path is relative to the file, the password may come from the environment")
    func certificateKeys() throws {
        let yaml = Self.validPrefix + """
            azure:
              subscription_id: s
              tenant_id: t
              client_id: c
              credential_type: client_certificate
              client_certificate_path: certs/sp.pem
              send_certificate_chain: true

            """
        let configuration = try ConfigurationLoader(environment: ["AZURE_CLIENT_CERTIFICATE_PASSWORD": "pem-pass"])
            .load(yaml: yaml, file: "config.yaml", directory: "/etc/discoveryd")
        let azure = try #require(configuration.azure)
        #expect(azure.credentialType == .clientCertificate)
        #expect(azure.clientCertificatePath == "/etc/discoveryd/certs/sp.pem")
        #expect(azure.clientCertificatePassword?.revealed == "pem-pass")
        #expect(azure.sendCertificateChain)
    }

    @Test("a value of the wrong type says what was expected")
    func wrongType() throws {
        let error = try loadingError(Self.validPrefix.replacingOccurrences(of: "  password: pw\n", with: "  password: pw\n  server_slots:\n    base: ten\n"))
        #expect(error.code == .wrongType)
        #expect(error.description == #"config.yaml:6: haproxy.server_slots.base: invalid value "ten"; expected a whole number"#)

        let notAMapping = try loadingError("static:\n  path: i.yaml\nhaproxy: [a, b]\n")
        #expect(notAMapping.description == "config.yaml:3: haproxy: expected a mapping (key: value lines), found a list")
    }

    @Test("a file without a provider, or without a Data Plane password, is refused")
    func requiredParts() throws {
        let noProvider = try loadingError("haproxy:\n  password: pw\n")
        #expect(noProvider.code == .noProvider)
        #expect(noProvider.description.contains(#"add an "azure" section"#))

        let noPassword = try loadingError("static:\n  path: i.yaml\n")
        #expect(noPassword.code == .missingKey)
        #expect(noPassword.line == nil)
        #expect(noPassword.description.contains("haproxy.password: required key is missing"))
        #expect(noPassword.description.contains("runtime_socket"))
    }

    @Test("YAML syntax errors and duplicate keys carry the line")
    func syntax() throws {
        let broken = try loadingError("static:\n  path: [unclosed\nhaproxy:\n")
        #expect(broken.code == .invalidYAML)
        #expect(broken.line != nil)

        let duplicate = try loadingError(Self.validPrefix + "polling:\n  interval_seconds: 10\n  interval_seconds: 20\n")
        #expect(duplicate.code == .invalidYAML)
        #expect(duplicate.description.contains(#""interval_seconds" appears twice"#))
    }

    @Test("a missing file names it")
    func missingFile() throws {
        let error = try #require(throws: ConfigurationError.self) {
            try ConfigurationLoader(environment: [:]).load(path: "/nonexistent/discoveryd.yaml")
        }
        #expect(error.description == "/nonexistent/discoveryd.yaml: configuration file does not exist; pass the right one with -c/--config")
    }
}

extension String {
    /// Rewrites the `file:LINE:` prefix of an error description.
    fileprivate func replacingLine(_ transform: (Int) -> Int) -> String {
        let parts = split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, let line = Int(parts[1]) else { return self }
        return "\(parts[0]):\(transform(line)):\(parts[2])"
    }
}

extension ConfigurationErrorTests {
    @Test("a custom cloud must use https, except for a loopback test endpoint")
    func customCloudSchemes() throws {
        let plain = try loadingError(
            Self.validPrefix + "azure:\n  subscription_id: s\n  cloud:\n    resource_manager: http://arm.example.com\n"
                + "    authority_host: https://login.example.com\n"
        )
        #expect(plain.description == #"config.yaml:8: azure.cloud.resource_manager: invalid value "http://arm.example.com"; expected an https:// URL (http:// only for a loopback host)"#)

        let loopback = try ConfigurationLoader(environment: [:]).load(
            yaml: Self.validPrefix + "azure:\n  subscription_id: s\n  cloud:\n    resource_manager: http://127.0.0.1:8443\n"
                + "    authority_host: http://localhost:8444\n"
        )
        #expect(loopback.azure?.cloud.resourceManager.absoluteString == "http://127.0.0.1:8443")
    }
}

extension ConfigurationErrorTests {
    @Test("an empty subscription id (an empty variable) is named with its list position")
    func emptySubscription() throws {
        let single = try loadingError(Self.validPrefix + "azure:\n  subscription_id: \"${SUB:-}\"\n")
        #expect(single.description == #"config.yaml:6: azure.subscription_id: invalid value ""; expected a subscription id (is the environment variable empty?)"#)
        let listed = try loadingError(Self.validPrefix + "azure:\n  subscription_id:\n    - a\n    - \"${SUB:-}\"\n")
        #expect(listed.description == #"config.yaml:8: azure.subscription_id[1]: invalid value ""; expected a subscription id (is the environment variable empty?)"#)
        let none = try loadingError(Self.validPrefix + "azure:\n  resource_groups: [rg]\n")
        #expect(none.description.hasPrefix("config.yaml:5: azure.subscription_id: required key is missing"))
    }
}
