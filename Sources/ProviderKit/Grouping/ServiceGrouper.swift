/// Turns instances into services: filter, validate the service tags, group by
/// (service name, service port, region).
///
/// Pure and deterministic, so it can run on every cycle and in `plan` alike. Instances that cannot
/// become servers are reported in ``GroupingResult/skipped`` with the reason instead of being dropped
/// silently; the caller decides how loudly to say so.
public struct ServiceGrouper: Sendable {
    public var tagNames: TagNames
    public var filter: TagFilter

    public init(tagNames: TagNames = TagNames(), filter: TagFilter = TagFilter()) {
        self.tagNames = tagNames
        self.filter = filter
    }

    public func group(_ instances: some Sequence<Instance>) -> GroupingResult {
        var endpointsByKey: [ServiceKey: [Endpoint]] = [:]
        var skipped: [SkippedInstance] = []
        var seen: Set<InstanceID> = []

        for instance in instances {
            guard seen.insert(instance.id).inserted else {
                skipped.append(SkippedInstance(instance, reason: .duplicateID))
                continue
            }
            guard instance.state == .running else {
                skipped.append(SkippedInstance(instance, reason: .notRunning(instance.state)))
                continue
            }
            guard let serviceName = instance.tags.value(forTag: tagNames.serviceName),
                let servicePortText = instance.tags.value(forTag: tagNames.servicePort)
            else {
                // Untagged machines are the normal case in a subscription; not worth a warning.
                skipped.append(SkippedInstance(instance, reason: .notTagged))
                continue
            }
            guard filter.admits(instance.tags) else {
                skipped.append(SkippedInstance(instance, reason: .filteredOut))
                continue
            }
            let trimmedName = serviceName.trimmingWhitespace()
            guard !trimmedName.isEmpty else {
                skipped.append(SkippedInstance(instance, reason: .invalidTag(tag: tagNames.serviceName, value: serviceName)))
                continue
            }
            guard let servicePort = Self.port(servicePortText) else {
                skipped.append(SkippedInstance(instance, reason: .invalidTag(tag: tagNames.servicePort, value: servicePortText)))
                continue
            }
            var port = servicePort
            if let instancePortText = instance.tags.value(forTag: tagNames.instancePort) {
                guard let instancePort = Self.port(instancePortText) else {
                    skipped.append(SkippedInstance(instance, reason: .invalidTag(tag: tagNames.instancePort, value: instancePortText)))
                    continue
                }
                port = instancePort
            }
            guard !instance.address.isEmpty else {
                skipped.append(SkippedInstance(instance, reason: .noAddress))
                continue
            }
            let key = ServiceKey(name: trimmedName, port: servicePort, region: instance.region)
            endpointsByKey[key, default: []].append(
                Endpoint(
                    instanceID: instance.id,
                    instanceName: instance.name,
                    address: instance.address,
                    port: port,
                    zone: instance.zone,
                    tags: instance.tags
                )
            )
        }

        let services = endpointsByKey.map { DiscoveredService(key: $0.key, endpoints: $0.value) }
        return GroupingResult(catalog: ServiceCatalog(services), skipped: skipped)
    }

    /// A TCP port from a tag value: decimal digits only, 1...65535.
    static func port(_ text: String) -> Int? {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty, trimmed.count <= 5, trimmed.allSatisfy(\.isASCIIDigit),
            let value = Int(trimmed), (1...65535).contains(value)
        else { return nil }
        return value
    }
}

/// The outcome of grouping: the services, and every instance that was left out with its reason.
public struct GroupingResult: Hashable, Sendable {
    public var catalog: ServiceCatalog
    public var skipped: [SkippedInstance]

    /// The skipped instances a user should hear about (bad tags, missing address), as opposed to the
    /// expected ones (untagged, stopped, filtered out).
    public var warnings: [SkippedInstance] { skipped.filter(\.reason.deservesWarning) }
}

/// An instance that did not become an endpoint.
public struct SkippedInstance: Hashable, Sendable, CustomStringConvertible {
    public var instanceID: InstanceID
    public var instanceName: String
    public var reason: Reason

    public init(_ instance: Instance, reason: Reason) {
        self.instanceID = instance.id
        self.instanceName = instance.name
        self.reason = reason
    }

    public enum Reason: Hashable, Sendable, CustomStringConvertible {
        case notRunning(InstanceState)
        case notTagged
        case filteredOut
        case invalidTag(tag: String, value: String)
        case noAddress
        case duplicateID

        public var deservesWarning: Bool {
            switch self {
            case .invalidTag, .noAddress, .duplicateID: true
            case .notRunning, .notTagged, .filteredOut: false
            }
        }

        public var description: String {
            switch self {
            case .notRunning(let state): "state is \(state), not running"
            case .notTagged: "no service name/port tags"
            case .filteredOut: "excluded by the tag allowlist/denylist"
            case .invalidTag(let tag, let value):
                "tag \(tag)=\"\(value)\" is not valid (expected a port number 1-65535 or a non-empty name); fix the tag"
            case .noAddress: "has no address"
            case .duplicateID: "another instance has the same id"
            }
        }
    }

    public var description: String { "instance \(instanceName) (\(instanceID)) skipped: \(reason)" }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isWholeNumber }
}

extension String {
    func trimmingWhitespace() -> String {
        var view = Substring(self)
        while let first = view.first, first.isWhitespace { view.removeFirst() }
        while let last = view.last, last.isWhitespace { view.removeLast() }
        return String(view)
    }
}
