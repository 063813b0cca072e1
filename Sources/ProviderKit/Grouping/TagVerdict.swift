/// What an instance's tags decide about it: the service it belongs to (less the region, which is the
/// instance's own), or why it is skipped. Depends on the tags and the grouper's settings alone.
enum TagVerdict {
    struct Service {
        /// Trimmed.
        var name: String
        var servicePort: Int
        /// The instance port tag's, or the service port.
        var port: Int
        /// Set when the instance port tag is not a port (the service port is used).
        var adjustment: SkippedInstance.Reason?
    }

    case service(Service)
    case skipped(SkippedInstance.Reason)
}

/// The ``TagVerdict``s of one grouping, one per shared tag dictionary (by ``TagSetIdentity``), each with the
/// service number it last led to and that service's region.
///
/// Valid only while the instances being grouped are alive, as their identities are.
struct TagVerdicts {
    struct Entry {
        var verdict: TagVerdict
        /// The verdict's port, when it places the instance: read per instance without copying the verdict.
        var port: Int32?
        /// Whether the verdict places the instance with an adjustment (to report per instance).
        var adjusts = false
        /// The region and service number of the last instance placed with these tags.
        var service: (region: String, number: Int32)?

        init(verdict: TagVerdict) {
            self.verdict = verdict
            if case .service(let service) = verdict {
                port = Int32(service.port)
                adjusts = service.adjustment != nil
            }
        }
    }

    private var entries: [Entry] = []
    private var numbers: [TagSetIdentity: Int] = [:]
    /// The last identity looked up: the instances of a scale set, or of a resource group, often come in a row.
    private var last: (identity: TagSetIdentity, number: Int)?

    subscript(number: Int) -> Entry {
        _read { yield entries[number] }
        _modify { yield &entries[number] }
    }

    /// The service number of the last instance placed with the tags of entry `number`, if it was in `region`.
    func serviceNumber(_ number: Int, region: borrowing String) -> Int32? {
        guard let service = entries[number].service, service.region == region else { return nil }
        return service.number
    }

    /// The number of the entry for `tags`, made with `verdict` when these tags are new.
    mutating func number(of tags: UnsafePointer<[String: String]>, verdict: () -> TagVerdict) -> Int {
        guard let identity = TagSetIdentity(of: tags) else {
            entries.append(Entry(verdict: verdict()))
            return entries.count - 1
        }
        if let last, last.identity == identity { return last.number }
        let number: Int
        if let known = numbers[identity] {
            number = known
        } else {
            number = entries.count
            entries.append(Entry(verdict: verdict()))
            numbers[identity] = number
        }
        last = (identity, number)
        return number
    }
}
