/// Turns instances into services: filter, validate the service tags, group by
/// (service name, service port, region).
///
/// Pure and deterministic, so it can run on every cycle and in `plan` alike. Instances that cannot
/// become servers are reported in ``GroupingResult/skipped`` with the reason instead of being dropped
/// silently; the caller decides how loudly to say so. An id reported twice for the same service is placed
/// once (the first report) and the other is skipped as ``SkippedInstance/Reason/duplicateID``.
public struct ServiceGrouper: Sendable {
    public var tagNames: TagNames
    public var filter: TagFilter

    public init(tagNames: TagNames = TagNames(), filter: TagFilter = TagFilter()) {
        self.tagNames = tagNames
        self.filter = filter
    }

    public func group(_ instances: some Sequence<Instance>) -> GroupingResult {
        // Reading fields in place through the buffer, rather than copying every instance out of an iterator,
        // saves a retain and release of each of its strings: most of the cost at 100k instances.
        Array(instances).withUnsafeBufferPointer { group(buffer: $0) }
    }

    private func group(buffer instances: UnsafeBufferPointer<Instance>) -> GroupingResult {
        // Pass 1: where each instance goes, as a small integer (its service's number), its port and its canonical
        // address. What the tags decide is worked out once per shared tag dictionary (see `TagSetIdentity`), and
        // so is the service number, while the region stays the one last seen with those tags. Instances are read
        // through a pointer: passing one as an argument copied it (a retain and release of each of its strings).
        var serviceNumbers: [ServiceKey: Int32] = [:]
        var keys: [ServiceKey] = []
        var serviceOf = [Int32](repeating: -1, count: instances.count)
        var portOf = [Int32](repeating: 0, count: instances.count)
        var addressOf = [String](repeating: "", count: instances.count)
        var skipped: [SkippedInstance] = []
        var adjusted: [SkippedInstance] = []
        var verdicts = TagVerdicts()
        let base = instances.baseAddress
        for index in instances.indices {
            let instance = base.unsafelyUnwrapped + index
            guard instance.pointee.state == .running else {
                skipped.append(SkippedInstance(instances[index], reason: .notRunning(instances[index].state)))
                continue
            }
            let number = verdicts.number(of: instance.pointer(to: \.tags).unsafelyUnwrapped) {
                tagVerdict(of: instance.pointee.tags)
            }
            guard let port = verdicts[number].port else {
                if case .skipped(let reason) = verdicts[number].verdict {
                    skipped.append(SkippedInstance(instances[index], reason: reason))
                }
                continue
            }
            guard !instance.pointee.address.isEmpty else {
                skipped.append(SkippedInstance(instances[index], reason: .noAddress))
                continue
            }
            // Every provider's addresses pass here, so none reaches a sink unchecked (HAProxy commands, URLs).
            // Canonical, as HAProxy shows it back: `FD00:0::4` would otherwise differ from `fd00::4` every cycle.
            guard let address = IPAddressLiteral.canonical(instance.pointee.address) else {
                skipped.append(SkippedInstance(instances[index], reason: .invalidAddress(instances[index].address)))
                continue
            }
            if let known = verdicts.serviceNumber(number, region: instance.pointee.region) {
                serviceOf[index] = known
            } else {
                guard case .service(let service) = verdicts[number].verdict else { preconditionFailure("placed") }
                let key = ServiceKey(name: service.name, port: service.servicePort, region: instance.pointee.region)
                let serviceNumber: Int32
                if let known = serviceNumbers[key] {
                    serviceNumber = known
                } else {
                    serviceNumber = Int32(keys.count)
                    serviceNumbers[key] = serviceNumber
                    keys.append(key)
                }
                verdicts[number].service = (key.region, serviceNumber)
                serviceOf[index] = serviceNumber
            }
            portOf[index] = port
            addressOf[index] = address
            if verdicts[number].adjusts, case .service(let service) = verdicts[number].verdict,
                let adjustment = service.adjustment
            {
                adjusted.append(SkippedInstance(instances[index], reason: adjustment))
            }
        }

        // Pass 2: instance numbers bucketed by service (a counting sort, keeping the input order within each).
        var bucketStart = [Int](repeating: 0, count: keys.count + 1)
        for service in serviceOf where service >= 0 { bucketStart[Int(service) + 1] += 1 }
        for service in keys.indices { bucketStart[service + 1] += bucketStart[service] }
        var order = [Int32](repeating: 0, count: bucketStart[keys.count])
        var nextFree = bucketStart
        for index in instances.indices where serviceOf[index] >= 0 {
            let service = Int(serviceOf[index])
            order[nextFree[service]] = Int32(index)
            nextFree[service] += 1
        }

        // Pass 3: per service, the instance numbers sorted by id (sorting 4-byte numbers rather than moving
        // whole endpoints), then each endpoint built once into an array of exactly the right size.
        var services: [ServiceKey: DiscoveredService] = [:]
        services.reserveCapacity(keys.count)
        order.withUnsafeMutableBufferPointer { order in
            for service in keys.indices {
                var members = UnsafeMutableBufferPointer(rebasing: order[bucketStart[service]..<bucketStart[service + 1]])
                // The sort is stable, and the numbers are in input order: of an id reported twice, the first
                // report stays. Sorting also puts the duplicates side by side, so finding them hashes nothing.
                members.sort { instances[Int($0)].id < instances[Int($1)].id }
                // Each endpoint is made in its place in the array: appending copied it there and destroyed the
                // original.
                let endpoints = [Endpoint](unsafeUninitializedCapacity: members.count) { endpoints, count in
                    var previous = -1
                    for member in members {
                        let index = Int(member)
                        let instance = base.unsafelyUnwrapped + index
                        if previous >= 0, instances[previous].id == instance.pointee.id {
                            skipped.append(SkippedInstance(instances[index], reason: .duplicateID))
                            continue
                        }
                        previous = index
                        (endpoints.baseAddress.unsafelyUnwrapped + count).initialize(
                            to: Endpoint(
                                instanceID: instance.pointee.id,
                                instanceName: instance.pointee.name,
                                address: addressOf[index],
                                port: Int(portOf[index]),
                                zone: instance.pointee.zone,
                                tags: instance.pointee.tags
                            )
                        )
                        count += 1
                    }
                }
                services[keys[service]] = DiscoveredService(key: keys[service], sortedEndpoints: endpoints)
            }
        }
        return GroupingResult(catalog: ServiceCatalog(uniqueServices: services), skipped: skipped, adjusted: adjusted)
    }

    /// What tags decide about an instance; the same for every instance with these tags.
    private func tagVerdict(of tags: [String: String]) -> TagVerdict {
        let serviceTags = ServiceTags(tags, names: tagNames)
        guard let serviceName = serviceTags.serviceName, let servicePortText = serviceTags.servicePort else {
            // Untagged machines are the normal case in a subscription; not worth a warning.
            return .skipped(.notTagged)
        }
        if !filter.allowlist.isEmpty || !filter.denylist.isEmpty, !filter.admits(tags) {
            return .skipped(.filteredOut)
        }
        let trimmedName = serviceName.trimmingWhitespace()
        guard !trimmedName.isEmpty else {
            return .skipped(.invalidTag(tag: tagNames.serviceName, value: serviceName))
        }
        guard let servicePort = Self.port(servicePortText) else {
            return .skipped(.invalidTag(tag: tagNames.servicePort, value: servicePortText))
        }
        var port = servicePort
        var adjustment: SkippedInstance.Reason?
        if let instancePortText = serviceTags.instancePort {
            // As the Python daemon does: a bad override falls back to the service port rather than dropping a
            // serving instance; the warning asks for the tag to be fixed.
            if let instancePort = Self.port(instancePortText) {
                port = instancePort
            } else {
                adjustment = .invalidInstancePort(tag: tagNames.instancePort, value: instancePortText, servicePort: servicePort)
            }
        }
        return .service(TagVerdict.Service(name: trimmedName, servicePort: servicePort, port: port, adjustment: adjustment))
    }

    /// A TCP port from a tag value: decimal digits only (surrounding blanks allowed), 1...65535.
    static func port(_ text: String) -> Int? {
        var value = 0
        var digits = 0
        var trailingBlanks = false
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                guard !trailingBlanks, digits < 5 else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
                digits += 1
            case UInt8(ascii: " "), UInt8(ascii: "\t"):
                if digits > 0 { trailingBlanks = true }
            default:
                return nil
            }
        }
        guard digits > 0, (1...65535).contains(value) else { return nil }
        return value
    }
}

/// The three service tags of one instance, found in a single pass over its tags.
private struct ServiceTags {
    var serviceName: String?
    var servicePort: String?
    var instancePort: String?

    init(_ tags: [String: String], names: TagNames) {
        // Instances carry a handful of tags: comparing each name beats hashing the three we look for.
        // An exact spelling wins over one that differs only in case.
        var exact = (serviceName: false, servicePort: false, instancePort: false)
        for (key, value) in tags {
            if !exact.serviceName, TagName.equal(key, names.serviceName) {
                serviceName = value
                exact.serviceName = key == names.serviceName
            } else if !exact.servicePort, TagName.equal(key, names.servicePort) {
                servicePort = value
                exact.servicePort = key == names.servicePort
            } else if !exact.instancePort, TagName.equal(key, names.instancePort) {
                instancePort = value
                exact.instancePort = key == names.instancePort
            }
        }
    }
}

/// The outcome of grouping: the services, and every instance that was left out with its reason.
public struct GroupingResult: Hashable, Sendable {
    public var catalog: ServiceCatalog
    public var skipped: [SkippedInstance]
    /// Instances that were placed, but not quite as tagged (an invalid instance port tag: the service port is
    /// used instead). Each one deserves a warning.
    public var adjusted: [SkippedInstance] = []

    /// What a user should hear about: skipped instances with bad tags or no address (as opposed to the
    /// expected ones: untagged, stopped, filtered out), then the ``adjusted`` ones.
    public var warnings: [SkippedInstance] { skipped.filter(\.reason.deservesWarning) + adjusted }
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
        /// The address is not an IPv4 or IPv6 literal (a host name, a port, a NUL or control character).
        case invalidAddress(String)
        case duplicateID
        /// Not a skip: the instance port tag is not a port, so the instance serves on the service port.
        case invalidInstancePort(tag: String, value: String, servicePort: Int)

        public var deservesWarning: Bool {
            switch self {
            case .invalidTag, .noAddress, .invalidAddress, .duplicateID, .invalidInstancePort: true
            case .notRunning, .notTagged, .filteredOut: false
            }
        }

        public var description: String {
            switch self {
            case .notRunning(let state): "state is \(state), not running"
            case .notTagged: "no service name/port tags"
            case .filteredOut: "excluded by the tag allowlist/denylist"
            case .invalidTag(let tag, let value):
                "tag \(tag)=\"\(UntrustedText.escaped(value, limit: 200))\" is not valid (expected a port number 1-65535 or a non-empty name); fix the tag"
            case .noAddress: "has no address"
            case .invalidAddress(let address):
                "address \"\(UntrustedText.escaped(address, limit: 100))\" is not an IPv4 or IPv6 literal; fix the "
                    + "instance's address"
            case .duplicateID: "another instance of the same service has the same id; placed once"
            case .invalidInstancePort(let tag, let value, let servicePort):
                "tag \(tag)=\"\(value)\" is not a port number 1-65535; using the service port \(servicePort) instead; fix the tag"
            }
        }
    }

    public var description: String {
        let name = UntrustedText.escaped(instanceName, limit: 200)
        let id = UntrustedText.escaped(instanceID.rawValue, limit: 300)
        if case .invalidInstancePort = reason { return "instance \(name) (\(id)): \(reason)" }
        return "instance \(name) (\(id)) skipped: \(reason)"
    }
}

extension String {
    private static func isASCIIBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }

    func trimmingWhitespace() -> String {
        // Most names are plain ASCII with nothing to trim: decide that on bytes, not grapheme clusters.
        guard let first = utf8.first, let last = utf8.last else { return self }
        if first < 0x80, last < 0x80, !Self.isASCIIBlank(first), !Self.isASCIIBlank(last) { return self }
        var view = Substring(self)
        while let first = view.first, first.isWhitespace { view.removeFirst() }
        while let last = view.last, last.isWhitespace { view.removeLast() }
        return String(view)
    }
}
