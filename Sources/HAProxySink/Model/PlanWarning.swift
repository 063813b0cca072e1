import ProviderKit

/// Something a user should hear about that did not stop planning (a sanitised name, a bad weight tag,
/// a foreign server in a managed backend).
public struct PlanWarning: Hashable, Sendable, Codable, CustomStringConvertible {
    public var backend: String?
    public var instanceID: InstanceID?
    public var message: String

    public init(backend: String? = nil, instanceID: InstanceID? = nil, message: String) {
        self.backend = backend
        self.instanceID = instanceID
        self.message = message
    }

    public var description: String {
        var parts: [String] = []
        if let backend { parts.append("backend \(backend)") }
        if let instanceID { parts.append("instance \(instanceID)") }
        parts.append(message)
        return parts.joined(separator: ": ")
    }
}

extension PlanWarning {
    private enum CodingKeys: String, CodingKey {
        case backend
        case instanceID = "instance_id"
        case message
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        backend = try container.decodeIfPresent(String.self, forKey: .backend)
        instanceID = try container.decodeIfPresent(String.self, forKey: .instanceID).map(InstanceID.init(rawValue:))
        message = try container.decode(String.self, forKey: .message)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(backend, forKey: .backend)
        try container.encodeIfPresent(instanceID?.rawValue, forKey: .instanceID)
        try container.encode(message, forKey: .message)
    }
}
