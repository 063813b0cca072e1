/// One machine a provider found: the unit discovery works with.
///
/// Instances are plain values so that snapshots can be compared, cached as the "last good" state and
/// grouped by pure functions. A provider reports every instance it sees, whatever its state;
/// the grouper decides what becomes a server.
public struct Instance: Hashable, Sendable {
    /// Stable identity for as long as the machine lives (Azure: the lower-cased ARM resource id).
    /// Slot stickiness is keyed on it, so it must not change when the address or tags do.
    public var id: InstanceID
    public var name: String
    /// The address servers are pointed at: an IPv4 or IPv6 literal.
    public var address: String
    public var publicAddress: String?
    public var region: String
    public var zone: String?
    public var tags: [String: String]
    public var state: InstanceState
    /// Which kind of source produced it (`static`, `azure-vm`, `azure-vmss-uniform`, ...): for logs and plans.
    public var sourceKind: String

    public init(
        id: InstanceID,
        name: String? = nil,
        address: String,
        publicAddress: String? = nil,
        region: String,
        zone: String? = nil,
        tags: [String: String] = [:],
        state: InstanceState = .running,
        sourceKind: String
    ) {
        self.id = id
        self.name = name ?? id.rawValue
        self.address = address
        self.publicAddress = publicAddress
        self.region = region
        self.zone = zone
        self.tags = tags
        self.state = state
        self.sourceKind = sourceKind
    }
}

/// The stable identity of an ``Instance``.
///
/// Carries a digest of its text, taken once when the id is made (while its bytes are fresh in the cache), so
/// that hashing an id in the slot assignments on every plan reads eight bytes next to the reference instead
/// of the ~110 bytes of an Azure id behind it: with 100,000 instances those scattered reads were the largest
/// cost of a no-op plan. Equality and ordering are those of ``rawValue`` as a `String`.
public struct InstanceID: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    private var text: String
    /// ``InstanceIDDigest`` of `text`, or ``InstanceIDDigest/none`` when the text has none (it then hashes as a
    /// `String`). Equal texts have equal digests, so comparing digests first never changes the answer.
    private var digest: UInt64

    public var rawValue: String {
        get { text }
        set {
            text = newValue
            digest = InstanceIDDigest.stored(newValue)
        }
    }

    public init(rawValue: String) {
        self.text = rawValue
        self.digest = InstanceIDDigest.stored(rawValue)
    }

    public init(_ rawValue: String) { self.init(rawValue: rawValue) }
    public init(stringLiteral value: String) { self.init(rawValue: value) }
    public var description: String { text }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.text < rhs.text }
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.digest == rhs.digest && lhs.text == rhs.text }

    public func hash(into hasher: inout Hasher) {
        if digest != InstanceIDDigest.none {
            hasher.combine(digest)
        } else {
            hasher.combine(text)
        }
    }
}
