import Foundation
import ProviderKit

// A complete provider in one file: the provider, its configuration section and its kind. The README's
// "Adding a provider" walks through it; CI compiles it and runs `ProviderConformance` against it.
//
//   hosts:
//     path: fleet.hosts        # "ADDRESS NAME" per line, `#` starts a comment
//     service: web             # every host serves this service ...
//     port: 8080               # ... on this port
//     region: lab              # optional, default "local"

/// Hosts listed in a hosts-format file, all serving one service.
public struct HostsFileProvider: Provider {
    public let section: HostsFileSection
    public var name: String { "hosts:\(section.path)" }

    public init(section: HostsFileSection) {
        self.section = section
    }

    /// Every host of the file, or an error for an unreadable file or a bad line: never a partial list.
    public func fetchInstances() async throws -> [Instance] {
        let text: String
        do {
            text = try String(contentsOfFile: section.resolvedPath, encoding: .utf8)
        } catch {
            throw HostsFileError("\(section.path): cannot be read; check hosts.path")
        }
        var instances: [Instance] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let fields = line.prefix { $0 != "#" }.split(whereSeparator: \.isWhitespace).map(String.init)
            guard !fields.isEmpty else { continue }
            guard fields.count == 2, IPAddressLiteral.isValid(fields[0]) else {
                throw HostsFileError("\(section.path):\(index + 1): expected \"ADDRESS NAME\", found \"\(line)\"")
            }
            instances.append(
                Instance(
                    id: InstanceID(fields[1]),
                    address: fields[0],
                    region: section.region,
                    tags: ["HAProxy:Service:Name": section.service, "HAProxy:Service:Port": String(section.port)],
                    sourceKind: "hosts"
                )
            )
        }
        return instances
    }
}

/// A hosts file that cannot be used; the message names the file, the line and the fix.
public struct HostsFileError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// `hosts:` — decoded strictly: unknown keys, missing keys and bad values are errors naming the key.
public struct HostsFileSection: Hashable, Sendable, Decodable {
    public var path: String
    /// ``path`` resolved against the configuration file's directory.
    public var resolvedPath: String
    public var service: String
    public var port: Int
    public var region: String

    enum CodingKeys: String, CodingKey, CaseIterable {
        case path, service, port, region
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.strictContainer(keyedBy: CodingKeys.self)
        for key in [CodingKeys.path, .service, .port] where !container.contains(key) {
            throw ConfigurationError.missingKey(
                ConfigurationKeyPath(container.codingPath + [key]),
                hint: "a hosts section needs path, service and port"
            )
        }
        resolvedPath = try container.decodePathIfPresent(forKey: .path, decoder: decoder.configurationContext) ?? ""
        path = try container.decode(String.self, forKey: .path)
        service = try container.decodeNonEmptyString(forKey: .service, default: "", expected: "a service name")
        port = try container.decode(Int.self, forKey: .port)
        try container.require((1...65535).contains(port), .port, value: "\(port)", expected: "a port 1-65535")
        region = try container.decodeNonEmptyString(forKey: .region, default: "local", expected: "a region name")
    }
}

/// The kind: registering it is `HostsFileProviderKind.self` in `Registry.providerKinds`.
public enum HostsFileProviderKind: ProviderKind {
    public static let key = "hosts"
    public static let example = "path: fleet.hosts, service: web, port: 8080"

    public static func makeProviders(from section: HostsFileSection, context: WiringContext) throws -> [any Provider] {
        [HostsFileProvider(section: section)]
    }

    public static func summary(of section: HostsFileSection) -> String {
        "1 hosts file"
    }
}
