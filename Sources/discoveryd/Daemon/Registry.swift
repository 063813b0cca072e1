import AWSProvider
import AzureProvider
import HAProxySink
import ProviderKit
import StaticFileProvider

/// Where discoveryd's parts are plugged together: every provider kind and sink kind the daemon knows.
///
/// **Adding a provider or a sink** is one line here (plus its module in `Package.swift` and an import):
/// the kind names its configuration key, decodes and validates its section, and builds its parts.
public struct Registry: Sendable {
    /// Provider kinds, in the order their sections are decoded and summarised.
    public var providerKinds: [any ProviderKind.Type]
    /// Sink kinds; the first one the file selects is used.
    public var sinkKinds: [any SinkKind.Type]

    public init(providerKinds: [any ProviderKind.Type], sinkKinds: [any SinkKind.Type]) {
        self.providerKinds = providerKinds
        self.sinkKinds = sinkKinds
    }

    /// The kinds built into discoveryd.
    public static let standard = Registry(
        providerKinds: [AzureProviderKind.self, AWSProviderKind.self, StaticFileProviderKind.self],
        sinkKinds: [RuntimeAPISinkKind.self, DataPlaneSinkKind.self]
    )
}
