import Foundation
import Logging
import ProviderKit
import ProviderKitTesting
import Testing

@testable import StaticFileProvider

@Suite("Loading inventory files")
struct InventoryLoadingTests {
    @Test("The YAML demo fleet and its JSON twin load the same instances")
    func yamlAndJSONAgree() throws {
        let yaml = try StaticInventoryFile.load(path: "\(fixturesDirectory)/demo/instances.yaml")
        let json = try StaticInventoryFile.load(path: "\(fixturesDirectory)/demo/instances.json")
        #expect(yaml == json)
        #expect(yaml.map(\.id.rawValue) == ["web-1", "web-2", "web-3", "api-1", "api-2", "web-4", "batch-1"])
    }

    @Test("The demo fleet groups into web:8080 with three servers and api:9090 with one overridden port")
    func demoFleetGroups() throws {
        let instances = try StaticInventoryFile.load(path: "\(fixturesDirectory)/demo/instances.yaml")
        let grouping = ServiceGrouper().group(instances)

        let services = grouping.catalog.sorted
        #expect(services.map(\.key) == [
            ServiceKey(name: "api", port: 9090, region: "local"),
            ServiceKey(name: "web", port: 8080, region: "local"),
        ])
        let api = try #require(services.first)
        #expect(api.endpoints.map { "\($0.address):\($0.port)" } == ["127.0.0.21:9090", "127.0.0.22:9091"])
        let web = try #require(services.last)
        #expect(web.endpoints.map(\.address) == ["127.0.0.11", "127.0.0.12", "127.0.0.13"])
        #expect(Set(grouping.skipped.map(\.instanceID)) == ["web-4", "batch-1"])
    }

    @Test("Instances tagged alike share one tag dictionary")
    func identicalTagsShareStorage() throws {
        let instances = try parse(
            """
            instances:
              - {id: web-1, address: 10.0.0.4, region: eastus, tags: {HAProxy:Service:Name: web, HAProxy:Service:Port: 8080}}
              - {id: web-2, address: 10.0.0.5, region: eastus, tags: {HAProxy:Service:Name: web, HAProxy:Service:Port: 8080}}
              - {id: api-1, address: 10.0.0.6, region: eastus, tags: {HAProxy:Service:Name: api, HAProxy:Service:Port: 8080}}
            """
        )
        #expect(instances[0].tags == ["HAProxy:Service:Name": "web", "HAProxy:Service:Port": "8080"])
        #expect(sharesStorage(instances[0].tags, instances[1].tags))
        #expect(!sharesStorage(instances[0].tags, instances[2].tags))
        #expect(instances[2].tags["HAProxy:Service:Name"] == "api")
    }

    @Test("Optional fields take their defaults and every instance is marked as static")
    func defaults() throws {
        let instances = try parse(
            """
            instances:
              - id: web-1
                address: 10.0.0.4
                region: eastus
            """
        )
        let instance = try #require(instances.first)
        #expect(instance.name == "web-1")
        #expect(instance.state == .running)
        #expect(instance.zone == nil)
        #expect(instance.tags.isEmpty)
        #expect(instance.sourceKind == "static")
    }

    @Test("Every field is read as written; state is case-insensitive")
    func allFields() throws {
        let instances = try parse(
            """
            instances:
              - id: vm-7
                name: Web Seven
                address: fd00::7
                region: westeurope
                zone: 3
                state: Deallocated
                tags: {HAProxy:Service:Name: web, owner: team-a}
            """
        )
        #expect(
            instances == [
                Instance(
                    id: "vm-7", name: "Web Seven", address: "fd00::7", region: "westeurope", zone: "3",
                    tags: ["HAProxy:Service:Name": "web", "owner": "team-a"], state: .deallocated,
                    sourceKind: "static"
                )
            ]
        )
    }

    @Test("Unquoted numbers in tag values are read as the text written", arguments: [Format.yaml, .json])
    func numericTagValues(format: Format) throws {
        let text =
            switch format {
            case .yaml:
                """
                instances:
                  - id: web-1
                    address: 10.0.0.4
                    region: eastus
                    tags:
                      HAProxy:Service:Port: 8080
                      weight: 10
                """
            case .json:
                """
                {"instances": [{"id": "web-1", "address": "10.0.0.4", "region": "eastus",
                  "tags": {"HAProxy:Service:Port": 8080, "weight": 10}}]}
                """
            }
        let instances = try parse(text, format: format)
        #expect(instances.first?.tags == ["HAProxy:Service:Port": "8080", "weight": "10"])
    }

    @Test("An empty list is a valid answer: the user removed every machine", arguments: [Format.yaml, .json])
    func emptyList(format: Format) throws {
        let text = format == .yaml ? "instances: []\n" : #"{"instances": []}"#
        #expect(try parse(text, format: format).isEmpty)
    }

    @Test("The format follows the extension: .json is JSON, anything else YAML")
    func formatByExtension() {
        #expect(Format(path: "/etc/discoveryd/fleet.json") == .json)
        #expect(Format(path: "FLEET.JSON") == .json)
        #expect(Format(path: "fleet.yaml") == .yaml)
        #expect(Format(path: "fleet.yml") == .yaml)
        #expect(Format(path: "fleet") == .yaml)
    }

    @Test("The provider is named after its path and reads relative paths from the working directory")
    func providerNameAndRelativePath() async throws {
        let directory = try TemporaryDirectory()
        let absolute = try directory.write("instances: [{id: a, address: 10.0.0.1, region: r}]\n", to: "fleet.yaml")
        // A path relative to the working directory, without changing it (other suites run in this process).
        let depth = FileManager.default.currentDirectoryPath.split(separator: "/").count
        let relative = String(repeating: "../", count: depth) + absolute.dropFirst()

        let provider = StaticFileProvider(path: relative, logger: .init(label: "test"))
        #expect(provider.name == "static:\(relative)")
        #expect(try await provider.fetchInstances().map(\.id) == ["a"])
    }
}

typealias Format = StaticInventoryFile.Format

func parse(_ text: String, format: Format = .yaml) throws -> [Instance] {
    try StaticInventoryFile.parse(
        Data(text.utf8),
        file: format == .yaml ? "inventory.yaml" : "inventory.json",
        format: format
    )
}
