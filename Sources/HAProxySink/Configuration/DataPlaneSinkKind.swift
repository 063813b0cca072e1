import Foundation
import HAProxySink
import Logging
import ProviderKit

/// Builds the Data Plane API sink from the `haproxy:` section (used when `runtime_socket` is not set).
enum DataPlaneWiring {
    static func makeSink(settings: HAProxySinkSettings, section: HAProxySection, context: WiringContext) throws
        -> DataPlaneSink
    {
        let client = try DataPlaneClient(configuration: DataPlaneClientConfiguration(section), logger: context.logger)
        context.shutdown.add { try? await client.shutdown() }
        return DataPlaneSink(
            client: client,
            settings: settings,
            applyMode: section.applyMode == .atomic ? .atomic : .incremental,
            logger: context.logger
        )
    }
}

extension DataPlaneClientConfiguration {
    /// The client settings of the `haproxy:` section. The password is revealed here and only here: it
    /// goes into the Authorization header and nowhere else.
    init(_ section: HAProxySection) {
        self.init(
            baseURL: section.baseURL.absoluteString,
            apiVersion: section.apiVersion == .v2 ? .v2 : .v3,
            username: section.username,
            password: section.password?.revealed,
            timeout: .milliseconds(Int((section.timeoutSeconds * 1000).rounded(.up))),
            verifySSL: section.verifySSL,
            caFile: section.caFile
        )
    }
}
