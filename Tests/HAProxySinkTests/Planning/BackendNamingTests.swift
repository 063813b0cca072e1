import HAProxySink
import ProviderKit
import Testing

@Suite("Backend naming")
struct BackendNamingTests {
    let naming = BackendNaming.standard

    @Test func buildsThePythonDaemonsName() {
        let key = ServiceKey(name: "web", port: 80, region: "westeurope")
        #expect(naming.backendName(for: key) == .valid("azure-web-80-westeurope"))
    }

    @Test func usesTheConfiguredPrefixAndSeparator() throws {
        let naming = try BackendNaming(prefix: "prod.az", separator: "_")
        let key = ServiceKey(name: "api", port: 8443, region: "northeurope")
        #expect(naming.backendName(for: key).name == "prod.az_api_8443_northeurope")
        #expect(naming.isManaged(backendName: "prod.az_api_8443_northeurope"))
        #expect(!naming.isManaged(backendName: "azure-api-8443-northeurope"))
    }

    @Test func leavesOutAnEmptyRegion() {
        let key = ServiceKey(name: "web", port: 80, region: "")
        #expect(naming.backendName(for: key) == .valid("azure-web-80"))
    }

    @Test func replacesEachInvalidCharacterAndReportsIt() {
        let key = ServiceKey(name: "my web/app", port: 80, region: "westeurope")
        let resolution = naming.backendName(for: key)
        guard case .sanitised(let name, let original) = resolution else {
            Issue.record("expected a sanitised name, got \(resolution)")
            return
        }
        #expect(name == "azure-my_web_app-80-westeurope")
        #expect(original.contains("my web/app"))
        #expect(BackendNaming.isValidName(name))
    }

    @Test func skipsANameWithNothingUsable() {
        let key = ServiceKey(name: "日本 語", port: 80, region: "westeurope")
        guard case .unusable(let reason) = naming.backendName(for: key) else {
            Issue.record("expected the service to be skipped")
            return
        }
        #expect(reason.contains("日本 語"))
        #expect(naming.backendName(for: key).name == nil)
    }

    @Test func keepsANameMadeOfUnderscores() {
        let key = ServiceKey(name: "__", port: 80, region: "westeurope")
        #expect(naming.backendName(for: key) == .valid("azure-__-80-westeurope"))
    }

    @Test func recognisesManagedBackendsByPrefixAndSeparator() {
        #expect(naming.isManaged(backendName: "azure-web-80-westeurope"))
        #expect(!naming.isManaged(backendName: "azureweb-80"))
        #expect(!naming.isManaged(backendName: "azure-"))
        #expect(!naming.isManaged(backendName: "static-web-80"))
    }

    @Test(arguments: ["", "az ure", "azure/"])
    func rejectsAnInvalidPrefix(_ prefix: String) {
        #expect(throws: HAProxySinkSettingsError.self) { try BackendNaming(prefix: prefix, separator: "-") }
        do {
            _ = try BackendNaming(prefix: prefix, separator: "-")
        } catch {
            #expect(error.code == .invalidNamePrefix)
            #expect(error.key == "haproxy.backend.name_prefix")
        }
    }

    @Test func rejectsAnInvalidSeparator() {
        do {
            _ = try BackendNaming(prefix: "azure", separator: " ")
            Issue.record("a blank separator was accepted")
        } catch {
            #expect(error.code == .invalidNameSeparator)
        }
    }

    @Test func validatesHAProxysNameCharacters() {
        #expect(BackendNaming.isValidName("a-Z_0.9:x"))
        #expect(!BackendNaming.isValidName(""))
        #expect(!BackendNaming.isValidName("a b"))
        #expect(!BackendNaming.isValidName("é"))
    }
}

@Suite("Slot names")
struct SlotNameTests {
    @Test(arguments: [("srv1", 1), ("srv9", 9), ("srv10", 10), ("srv909", 909), ("srv1000000", 1_000_000)])
    func parsesCanonicalSlotNames(name: String, index: Int) {
        #expect(SlotName.index(of: name) == index)
        #expect(SlotName.name(forIndex: index) == name)
    }

    @Test(arguments: ["srv", "srv0", "srv01", "srv1a", "SRV1", "web1", "srv1000001", "srv-1", "srv١"])
    func rejectsEverythingElse(name: String) {
        #expect(SlotName.index(of: name) == nil)
    }
}
