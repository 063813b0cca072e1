import ProviderKit

/// Names backends `{prefix}{separator}{name}{separator}{port}{separator}{region}` (the Python daemon's
/// scheme) and recognises the backends discoveryd owns by their `{prefix}{separator}` start.
///
/// HAProxy only accepts names matching `^[A-Za-z0-9-_.:]+$`. Each other character of the service name or
/// region is replaced by `_` and the change is reported, because two services can then share a name; a
/// service name with no valid character at all cannot be named and is skipped. An empty region is left
/// out (with its separator) instead of producing a trailing separator.
public struct BackendNaming: Hashable, Sendable {
    public let prefix: String
    public let separator: String

    /// The Python daemon's defaults: `azure` and `-`.
    public static let standard = BackendNaming(validatedPrefix: "azure", separator: "-")

    /// - Throws: ``HAProxySinkSettingsError`` when the prefix or separator is empty or has characters
    ///   HAProxy rejects (they are not sanitised: they decide which existing backends are ours).
    public init(prefix: String = "azure", separator: String = "-") throws(HAProxySinkSettingsError) {
        guard !prefix.isEmpty, Self.isValidName(prefix) else {
            throw HAProxySinkSettingsError(
                code: .invalidNamePrefix,
                key: "haproxy.backend.name_prefix",
                message: "\"\(prefix)\" is not a valid HAProxy name part; use only A-Z a-z 0-9 - _ . :"
            )
        }
        guard !separator.isEmpty, Self.isValidName(separator) else {
            throw HAProxySinkSettingsError(
                code: .invalidNameSeparator,
                key: "haproxy.backend.name_separator",
                message: "\"\(separator)\" is not a valid HAProxy name part; use one of - _ . :"
            )
        }
        self.init(validatedPrefix: prefix, separator: separator)
    }

    private init(validatedPrefix prefix: String, separator: String) {
        self.prefix = prefix
        self.separator = separator
        self.managedPrefix = prefix + separator
    }

    private let managedPrefix: String

    /// The backend name for a service, or why there is none.
    public func backendName(for key: ServiceKey) -> BackendNameResolution {
        let name = Self.sanitise(key.name)
        guard name.contains(where: { $0 != "_" }) || key.name.allSatisfy({ $0 == "_" }) else {
            return .unusable(
                reason: "service name \"\(key.name)\" has no character HAProxy accepts in a backend name "
                    + "(A-Z a-z 0-9 - _ . :); rename the service tag"
            )
        }
        let region = Self.sanitise(key.region)
        var backend = managedPrefix + name + separator + String(key.port)
        if !region.isEmpty { backend += separator + region }
        if name == key.name, region == key.region {
            return .valid(backend)
        }
        return .sanitised(backend, original: key.name + separator + String(key.port) + separator + key.region)
    }

    /// Whether discoveryd owns (and may retire) a backend of this name.
    public func isManaged(backendName: String) -> Bool {
        backendName.utf8.count > managedPrefix.utf8.count && backendName.hasPrefix(managedPrefix)
    }

    /// Whether `backendName` reads as a name this scheme makes: the prefix, a service name, a port (1-65535)
    /// and optionally a region, joined by the separator (`azure-web-8080-westeurope`). This is how backends
    /// another tool made with the same scheme (the Python daemon) are recognised for `discoveryd adopt`.
    public func followsScheme(backendName: String) -> Bool {
        guard isManaged(backendName: backendName) else { return false }
        let parts = backendName.dropFirst(managedPrefix.count).split(separator: separator, omittingEmptySubsequences: false)
        return parts.indices.contains { index in
            guard index >= 1, !parts[..<index].joined().isEmpty else { return false }
            let part = parts[index]
            return !part.isEmpty && part.count <= 5 && part.allSatisfy(\.isASCII) && part.allSatisfy(\.isWholeNumber)
                && (1...65535).contains(Int(part) ?? 0)
        }
    }

    /// Whether HAProxy accepts `name` as a proxy name: `^[A-Za-z0-9-_.:]+$`.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy(isValidByte)
    }

    /// `name` with each character HAProxy rejects replaced by `_`.
    public static func sanitise(_ name: String) -> String {
        if name.utf8.allSatisfy(isValidByte) { return name }
        return String(name.map { $0.isASCII && $0.utf8.allSatisfy(isValidByte) ? $0 : "_" })
    }

    private static func isValidByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
            UInt8(ascii: ":"):
            true
        default:
            false
        }
    }
}

/// The outcome of naming a service's backend.
public enum BackendNameResolution: Hashable, Sendable {
    /// The name as built, already valid.
    case valid(String)
    /// Invalid characters were replaced by `_`; worth a warning.
    case sanitised(String, original: String)
    /// Nothing usable remains; the service is skipped.
    case unusable(reason: String)

    /// The backend name, unless the service is skipped.
    public var name: String? {
        switch self {
        case .valid(let name), .sanitised(let name, _): name
        case .unusable: nil
        }
    }
}
