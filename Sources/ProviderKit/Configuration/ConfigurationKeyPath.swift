/// Where a value sits in the configuration file: `haproxy.server_slots.base`, `static[1].path`.
public struct ConfigurationKeyPath: Hashable, Sendable, CustomStringConvertible {
    public enum Component: Hashable, Sendable {
        case key(String)
        case index(Int)
    }

    public var components: [Component]

    public init(_ components: [Component] = []) {
        self.components = components
    }

    /// Converts a decoder's coding path; sequence elements carry an `intValue`, mapping keys do not.
    public init(_ codingPath: [any CodingKey]) {
        self.components = codingPath.map { key in
            // Yams names sequence elements "Index N"; a mapping key "3" also has an intValue but stays a key.
            if let index = key.intValue, key.stringValue == "Index \(index)" {
                return .index(index)
            }
            return .key(key.stringValue)
        }
    }

    public func appending(_ component: Component) -> Self {
        Self(components + [component])
    }

    public var isEmpty: Bool { components.isEmpty }

    public var description: String {
        var text = ""
        for component in components {
            switch component {
            case .key(let key):
                text += text.isEmpty ? key : ".\(key)"
            case .index(let index):
                text += "[\(index)]"
            }
        }
        return text
    }
}

/// The coding key used to see every key of a mapping, known or not.
public struct AnyConfigurationKey: CodingKey, Hashable, Sendable {
    public var stringValue: String
    public var intValue: Int? { nil }

    public init(_ stringValue: String) { self.stringValue = stringValue }
    public init?(stringValue: String) { self.stringValue = stringValue }
    public init?(intValue: Int) { return nil }
}
