import Foundation

/// The shared `~/.aws/credentials` and `~/.aws/config` files, read as the AWS CLI and SDKs read them:
/// `[name]` sections in the credentials file, `[profile name]` (or `[default]`) in the config file, the
/// credentials file winning key by key. Paths follow `AWS_SHARED_CREDENTIALS_FILE` and `AWS_CONFIG_FILE`.
struct SharedConfigFiles: Sendable {
    /// Profile name → key → value, both files merged.
    var profiles: [String: [String: String]]
    var credentialsPath: String
    var configPath: String

    static func load(environment: [String: String]) -> SharedConfigFiles {
        let home = environment["HOME"] ?? NSHomeDirectory()
        let credentialsPath = environment["AWS_SHARED_CREDENTIALS_FILE"].flatMap { $0.isEmpty ? nil : $0 } ?? "\(home)/.aws/credentials"
        let configPath = environment["AWS_CONFIG_FILE"].flatMap { $0.isEmpty ? nil : $0 } ?? "\(home)/.aws/config"
        var profiles: [String: [String: String]] = [:]
        for (name, keys) in parse(read(configPath)) {
            let profile: String
            if name == "default" {
                profile = "default"
            } else if name.hasPrefix("profile ") {
                profile = name.dropFirst("profile ".count).trimmingCharacters(in: .whitespaces)
            } else {
                continue  // [sso-session x], [services x]: not profiles
            }
            profiles[profile, default: [:]].merge(keys) { _, new in new }
        }
        for (name, keys) in parse(read(credentialsPath)) {
            profiles[name, default: [:]].merge(keys) { _, new in new }
        }
        return SharedConfigFiles(profiles: profiles, credentialsPath: credentialsPath, configPath: configPath)
    }

    private static func read(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }

    /// INI as the AWS tools write it: `#`/`;` comments, `key = value`, indented lines are sub-settings
    /// of the key above (`s3 =\n  max_concurrent_requests = 20`) and are skipped.
    static func parse(_ text: String) -> [(String, [String: String])] {
        var sections: [(String, [String: String])] = []
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                sections.append((line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces), [:]))
                continue
            }
            guard !sections.isEmpty, rawLine.first.map({ !$0.isWhitespace }) ?? false,
                let equals = line.firstIndex(of: "=")
            else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if let comment = value.range(of: " #") ?? value.range(of: " ;") {
                value = value[..<comment.lowerBound].trimmingCharacters(in: .whitespaces)
            }
            sections[sections.count - 1].1[key] = value
        }
        return sections
    }
}
