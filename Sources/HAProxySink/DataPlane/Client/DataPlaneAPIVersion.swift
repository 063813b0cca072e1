import Foundation

/// The major version of the Data Plane API. The two differ in path shape (`?backend=` versus
/// `/backends/{name}/servers`) and in how GET bodies are wrapped (`{_version, data}` versus bare).
public enum DataPlaneAPIVersion: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case v2
    case v3

    /// Accepts `v2`, `v3`, `2` and `3` (the Python daemon's configuration used the bare digit).
    public init?(configValue: String) {
        switch configValue.lowercased().trimmingCharacters(in: .whitespaces) {
        case "v2", "2": self = .v2
        case "v3", "3": self = .v3
        default: return nil
        }
    }

    public var basePath: String { "/\(rawValue)" }
    public var description: String { rawValue }
}
