import AzureProvider
import DiscoverydCore
import HAProxySink
import StaticFileProvider

/// The sections of the built-in kinds, read the way any module reads its own: by kind or by key.
extension DiscoverydConfiguration {
    var azure: AzureSection? { section(of: AzureProviderKind.self) }
    var staticFiles: [StaticSection] { section(of: StaticFileProviderKind.self)?.files ?? [] }
    var haproxy: HAProxySection { sinkSection(HAProxySection.self, key: "haproxy") ?? HAProxySection() }
}
