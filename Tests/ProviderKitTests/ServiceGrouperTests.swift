import ProviderKit
import Testing

@Suite("Grouping instances into services")
struct ServiceGrouperTests {
    let grouper = ServiceGrouper()

    @Test("instances with the same name, port and region form one service, ordered by id")
    func groupsByNamePortAndRegion() {
        let result = grouper.group([
            taggedInstance("b", address: "10.0.0.2"),
            taggedInstance("a", address: "10.0.0.1"),
            taggedInstance("c", port: "443", address: "10.0.0.3"),
            taggedInstance("d", address: "10.1.0.4", region: "northeurope"),
            taggedInstance("e", service: "api", address: "10.0.0.5"),
        ])
        #expect(
            result.catalog.addressesByService == [
                "api:80@westeurope": ["10.0.0.5:80"],
                "web:443@westeurope": ["10.0.0.3:443"],
                "web:80@northeurope": ["10.1.0.4:80"],
                "web:80@westeurope": ["10.0.0.1:80", "10.0.0.2:80"],
            ]
        )
        #expect(result.skipped.isEmpty)
    }

    @Test("the service name is trimmed, so ' web ' and 'web' are the same service")
    func trimsServiceName() {
        let result = grouper.group([taggedInstance("a", service: " web "), taggedInstance("b", service: "web", address: "10.0.0.2")])
        #expect(result.catalog.services.keys.map(\.name) == ["web"])
        #expect(result.catalog.endpointCount == 2)
    }

    @Test("a blank service name is a warning naming the instance")
    func blankServiceName() throws {
        let result = grouper.group([taggedInstance("a", service: "   ")])
        #expect(result.catalog.services.isEmpty)
        let warning = try #require(result.warnings.first)
        #expect(warning.instanceID == "a")
        #expect(warning.reason == .invalidTag(tag: "HAProxy:Service:Name", value: "   "))
    }

    @Test("bad service port tags skip the instance with a warning", arguments: ["abc", "0", "70000", "-1", "", "8o", "+80", "65536"])
    func badServicePort(_ port: String) throws {
        let result = grouper.group([taggedInstance("bad", port: port), taggedInstance("good", address: "10.0.0.2")])
        #expect(result.catalog.addressesByService == ["web:80@westeurope": ["10.0.0.2:80"]])
        let warning = try #require(result.warnings.first)
        #expect(result.warnings.count == 1)
        #expect(warning.instanceID == "bad")
        #expect(warning.reason == .invalidTag(tag: "HAProxy:Service:Port", value: port))
        #expect("\(warning)".contains("bad"))
    }

    @Test("a port tag with surrounding spaces is read as the number inside")
    func portWithSpaces() {
        let result = grouper.group([taggedInstance("a", port: " 80 ")])
        #expect(result.catalog.addressesByService == ["web:80@westeurope": ["10.0.0.1:80"]])
        #expect(result.warnings.isEmpty)
    }

    @Test("the port bounds 1 and 65535 are valid")
    func portBounds() {
        let result = grouper.group([taggedInstance("a", port: "1"), taggedInstance("b", port: "65535")])
        #expect(Set(result.catalog.services.keys.map(\.port)) == [1, 65535])
    }

    @Test("the instance port tag overrides the port of that endpoint only; the service keeps its port")
    func instancePortOverride() {
        let result = grouper.group([
            taggedInstance("a", instancePort: "8080", address: "10.0.0.1"),
            taggedInstance("b", address: "10.0.0.2"),
        ])
        #expect(result.catalog.addressesByService == ["web:80@westeurope": ["10.0.0.1:8080", "10.0.0.2:80"]])
    }

    @Test(
        "a bad instance port tag falls back to the service port with a warning, as the Python daemon does",
        arguments: ["abc", "0", "70000", "-1"]
    )
    func badInstancePort(_ port: String) throws {
        let result = grouper.group([taggedInstance("a", instancePort: port, address: "10.0.0.1")])
        #expect(result.catalog.addressesByService == ["web:80@westeurope": ["10.0.0.1:80"]])
        #expect(result.skipped.isEmpty)
        let warning = try #require(result.warnings.first)
        #expect(warning.reason == .invalidInstancePort(tag: "HAProxy:Instance:Port", value: port, servicePort: 80))
        #expect(warning.description.contains("using the service port 80 instead"))
        #expect(!warning.description.contains("skipped"))
    }

    @Test("tag names match regardless of case, as in Azure")
    func caseInsensitiveTagNames() {
        let instance = Instance(
            id: "a",
            address: "10.0.0.1",
            region: "westeurope",
            tags: ["haproxy:service:name": "web", "HAPROXY:SERVICE:PORT": "80", "HAProxy:instance:port": "9000"],
            sourceKind: "test"
        )
        #expect(grouper.group([instance]).catalog.addressesByService == ["web:80@westeurope": ["10.0.0.1:9000"]])
    }

    @Test("custom tag names are honoured")
    func customTagNames() {
        let grouper = ServiceGrouper(tagNames: TagNames(serviceName: "svc", servicePort: "port", instancePort: "iport"))
        let instance = Instance(id: "a", address: "10.0.0.1", region: "r", tags: ["svc": "db", "port": "5432"], sourceKind: "test")
        #expect(grouper.group([instance]).catalog.addressesByService == ["db:5432@r": ["10.0.0.1:5432"]])
    }

    @Test("stopped, untagged and filtered instances are skipped quietly; no address and duplicates warn")
    func skipReasons() {
        let result = ServiceGrouper(filter: TagFilter(denylist: ["env": "dev"])).group([
            taggedInstance("stopped", state: .deallocated),
            Instance(id: "untagged", address: "10.0.0.9", region: "westeurope", sourceKind: "test"),
            taggedInstance("dev", extraTags: ["env": "dev"]),
            taggedInstance("no-address", address: ""),
            taggedInstance("twice", address: "10.0.0.2"),
            taggedInstance("twice", address: "10.0.0.3"),
        ])
        let reasons = Dictionary(result.skipped.map { ($0.instanceID.rawValue, $0.reason) }, uniquingKeysWith: { $1 })
        #expect(
            reasons == [
                "stopped": .notRunning(.deallocated),
                "untagged": .notTagged,
                "dev": .filteredOut,
                "no-address": .noAddress,
                "twice": .duplicateID,
            ]
        )
        #expect(Set(result.warnings.map(\.instanceID)) == ["no-address", "twice"])
        #expect(result.catalog.addressesByService == ["web:80@westeurope": ["10.0.0.2:80"]])
    }
}
