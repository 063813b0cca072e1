import Foundation
import ProviderKit
import Testing

@testable import StaticFileProvider

/// Each bad input must come back as an error a user can act on: file, line, entry, field and the fix.
@Suite("Strict decoding errors")
struct StrictDecodingTests {
    @Test("A misspelt key is rejected with its line, entry and the key it was meant to be")
    func unknownKeyYAML() throws {
        let error = try expectError(
            """
            instances:
              - id: web-1
                address: 10.0.0.1
                region: eastus
              - id: web-2
                adress: 10.0.0.2
                region: eastus
            """
        )
        #expect(error.code == .unknownKey)
        #expect(error.field == "adress")
        #expect(
            error.description
                == #"inventory.yaml:6: instances[1] (id "web-2"): unknown key "adress"; did you mean "address"?"#
        )
    }

    @Test("JSON files get the same unknown-key error, with the line")
    func unknownKeyJSON() throws {
        let error = try expectError(
            """
            {
              "instances": [
                {"id": "web-1", "address": "10.0.0.1", "region": "eastus"},
                {"id": "web-2", "address": "10.0.0.2", "region": "eastus",
                 "tag": {"HAProxy:Service:Name": "web"}}
              ]
            }
            """,
            format: .json
        )
        #expect(
            error.description
                == #"inventory.json:5: instances[1] (id "web-2"): unknown key "tag"; did you mean "tags"?"#
        )
    }

    @Test("A key that resembles nothing lists the keys that are allowed")
    func unknownKeyWithoutSuggestion() throws {
        let error = try expectError(
            """
            instances:
              - id: web-1
                address: 10.0.0.1
                region: eastus
                owner: team-a
            """
        )
        #expect(error.code == .unknownKey)
        #expect(error.line == 5)
        #expect(error.message == #"unknown key "owner"; allowed keys are id, name, address, region, zone, state, tags"#)
    }

    @Test("A misspelt top-level key is reported before the missing list it causes")
    func unknownTopLevelKey() throws {
        let error = try expectError("instance:\n  - id: web-1\n")
        #expect(error.code == .unknownKey)
        #expect(error.line == 1)
        #expect(error.entry == nil)
        #expect(error.message.hasSuffix(#"did you mean "instances"?"#))
    }

    @Test("A list where tags should be a mapping is a type error on the tags line")
    func wrongTypeForTags() throws {
        let error = try expectError(
            """
            instances:
              - id: web-1
                address: 10.0.0.1
                region: eastus
                tags: [web, 8080]
            """
        )
        #expect(error.code == .wrongType)
        #expect(error.line == 5)
        #expect(error.entry == .init(index: 0, id: "web-1"))
        #expect(error.field == "tags")
        #expect(error.message.contains("must be a mapping of tag names to values"))
        #expect(error.message.hasSuffix("found a list"))
    }

    @Test("instances must be a list")
    func wrongTypeForInstances() throws {
        let error = try expectError("instances:\n  id: web-1\n")
        #expect(error.code == .wrongType)
        #expect(error.field == "instances")
        #expect(error.line == 2)
        #expect(error.message.contains("must be a list of instances"))
    }

    @Test("A mapping where a text value belongs is a type error naming the field")
    func wrongTypeForAddress() throws {
        let error = try expectError(
            """
            instances:
              - id: web-1
                address: {ip: 10.0.0.1}
                region: eastus
            """
        )
        #expect(error.code == .wrongType)
        #expect(error.description == #"inventory.yaml:3: instances[0] (id "web-1"): field "address" must be a single text value, found a mapping"#)
    }

    @Test("JSON numbers are not accepted where text is required, except in tags")
    func wrongTypeInJSON() throws {
        let error = try expectError(
            #"{"instances": [{"id": 7, "address": "10.0.0.1", "region": "eastus"}]}"#,
            format: .json
        )
        #expect(error.code == .wrongType)
        #expect(error.field == "id")
        #expect(error.entry?.index == 0)
    }

    @Test(
        "A missing required field is named, on its entry's line, with an example of the fix",
        arguments: [
            ("id", "address: 10.0.0.1\n    region: eastus", "id: web-1"),
            ("address", "id: web-1\n    region: eastus", "address: 10.0.0.4"),
            ("region", "id: web-1\n    address: 10.0.0.1", "region: eastus"),
        ]
    )
    func missingRequiredField(field: String, entryBody: String, example: String) throws {
        let error = try expectError("instances:\n  - name: first\n    \(entryBody)\n")
        #expect(error.code == .missingField)
        #expect(error.field == field)
        #expect(error.line == 2)
        #expect(error.entry?.index == 0)
        #expect(error.message.hasPrefix("missing required field \"\(field)\""))
        #expect(error.message.contains(example))
    }

    @Test("An id left empty or null counts as missing, not as the id \"~\"", arguments: ["id:", "id: ~", "id: \"  \""])
    func blankID(line: String) throws {
        let error = try expectError("instances:\n  - \(line)\n    address: 10.0.0.1\n    region: eastus\n")
        #expect(error.code == .missingField)
        #expect(error.field == "id")
        #expect(error.entry == .init(index: 0, id: nil))
    }

    @Test(
        "An address that is not an IP literal is rejected with a hint for the usual mistake",
        arguments: [
            ("10.0.0.300", "write an IPv4 or IPv6 literal"),
            ("web-1.internal", "host names are not resolved"),
            ("[fd00::1]", "without brackets, e.g. fd00::1"),
            ("10.0.0.1:8080", "leave the port out of the address"),
        ]
    )
    func invalidAddress(address: String, hint: String) throws {
        let error = try expectError(
            """
            instances:
              - id: web-1
                address: 10.0.0.1
                region: eastus
              - id: web-2
                region: eastus
                address: "\(address)"
            """
        )
        #expect(error.code == .invalidValue)
        #expect(error.field == "address")
        #expect(error.line == 7)
        #expect(error.entry == .init(index: 1, id: "web-2"))
        #expect(error.message.hasPrefix("field \"address\": \"\(address)\" is not an IP address; "))
        #expect(error.message.contains(hint))
    }

    @Test("IPv4 and IPv6 literals are both accepted")
    func validAddresses() throws {
        let instances = try parse(
            """
            instances:
              - {id: a, address: 10.0.0.4, region: r}
              - {id: b, address: "fd00::4", region: r}
              - {id: c, address: "::1", region: r}
            """
        )
        #expect(instances.map(\.address) == ["10.0.0.4", "fd00::4", "::1"])
    }

    @Test("A duplicate id names both entries and both lines")
    func duplicateID() throws {
        let error = try expectError(
            """
            instances:
              - id: web-1
                address: 10.0.0.1
                region: eastus
              - id: web-1
                address: 10.0.0.2
                region: eastus
            """
        )
        #expect(error.code == .duplicateID)
        #expect(
            error.description
                == #"inventory.yaml:5: instances[1] (id "web-1"): duplicate id "web-1", already used by instances[0] on line 2; ids must be unique and stable, e.g. the machine's name"#
        )
    }

    @Test("Broken YAML is a syntax error with the line")
    func yamlSyntaxError() throws {
        let error = try expectError(
            """
            instances:
              - id: web-1
                address: 10.0.0.1
               region: eastus
            """
        )
        #expect(error.code == .syntax)
        #expect(error.line == 4)
        #expect(error.message.hasPrefix("is not valid YAML"))
    }

    @Test("A key given twice in one entry is a syntax error, not a silent pick")
    func duplicateKey() throws {
        let error = try expectError(
            """
            instances:
              - id: web-1
                address: 10.0.0.1
                address: 10.0.0.2
                region: eastus
            """
        )
        #expect(error.code == .syntax)
        #expect(error.message.contains(#"the key "address" is given more than once"#))
        #expect(error.line != nil)
    }

    @Test("Broken JSON is a syntax error")
    func jsonSyntaxError() throws {
        let error = try expectError(
            """
            {"instances": [
              {"id": "web-1" "address": "10.0.0.1", "region": "eastus"}
            ]}
            """,
            format: .json
        )
        #expect(error.code == .syntax)
        #expect(error.line == 2)
        #expect(error.message.hasPrefix("is not valid JSON"))
    }

    @Test("An empty file and a null list are errors that show how to write an empty inventory", arguments: ["", "instances:\n", "instances: ~\n"])
    func emptyDocument(text: String) throws {
        let error = try expectError(text)
        #expect(error.code == .missingField)
        #expect(error.field == "instances")
        #expect(error.message.contains("instances: []"))
    }

    @Test("A missing file names the path and how to fix it")
    func missingFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("nope.yaml")
        let error = try #require(throws: StaticFileError.self) { try StaticInventoryFile.load(path: path) }
        #expect(error.code == .unreadableFile)
        #expect(error.description.hasPrefix("\(path): no such file; create it or fix the path"))
    }

    @Test("A directory is not an inventory file")
    func directoryInsteadOfFile() throws {
        let directory = try TemporaryDirectory()
        let error = try #require(throws: StaticFileError.self) { try StaticInventoryFile.load(path: directory.path) }
        #expect(error.code == .unreadableFile)
        #expect(error.message.contains("is a directory"))
    }

    private func expectError(
        _ text: String,
        format: Format = .yaml,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> StaticFileError {
        try #require(throws: StaticFileError.self, sourceLocation: sourceLocation) {
            try parse(text, format: format)
        }
    }
}
