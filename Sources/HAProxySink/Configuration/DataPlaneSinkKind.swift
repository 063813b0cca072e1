import Foundation
import ProviderKit

/// The Data Plane API sink, chosen by a `haproxy:` section without `runtime_socket` (and by default).
public enum DataPlaneSinkKind: SinkKind {
    public static let name = "HAProxy Data Plane API"
    public static let sectionKey = "haproxy"

    public static func isSelected(by section: HAProxySection?) -> Bool {
        section?.runtimeSocket == nil
    }

    /// The Data Plane API authenticates every request: without a password nothing can be written.
    public static func validate(_ section: HAProxySection?) throws {
        guard section?.password == nil else { return }
        throw ConfigurationError.missingKey(
            ConfigurationKeyPath([.key("haproxy"), .key("password")]),
            hint: "the Data Plane API needs it (e.g. password: ${HAPROXY_DATAPLANE_PASSWORD}); "
                + "or set haproxy.runtime_socket to use the Runtime API instead"
        )
    }

    public static func makeSink(from section: HAProxySection?, context: WiringContext) throws -> any Sink {
        let section = section ?? HAProxySection()
        return DataPlaneSink(
            client: try makeClient(section, context: context),
            settings: try HAProxySinkSettings(section),
            applyMode: section.applyMode,
            logger: context.logger(for: "haproxy-dataplane")
        )
    }

    /// What `discoveryd adopt` uses: the sink's client and settings.
    public static func makeAdopter(from section: HAProxySection?, context: WiringContext) throws -> DataPlaneAdopter {
        let section = section ?? HAProxySection()
        return DataPlaneAdopter(
            client: try makeClient(section, context: context),
            settings: try HAProxySinkSettings(section),
            logger: context.logger(for: "haproxy-dataplane")
        )
    }

    private static func makeClient(_ section: HAProxySection, context: WiringContext) throws -> DataPlaneClient {
        let client = try DataPlaneClient(
            configuration: DataPlaneClientConfiguration(section),
            logger: context.logger(for: "haproxy-dataplane-client")
        )
        context.shutdown.add { try? await client.shutdown() }
        return client
    }

    public static func summary(of section: HAProxySection?) -> String {
        let section = section ?? HAProxySection()
        return "HAProxy Data Plane API \(section.apiVersion.rawValue) at \(DataPlaneClientConfiguration.redacting(section.baseURL.absoluteString)); "
            + section.serverSlots.summary + section.drainSummary
    }

    public static func checkLocally(_ section: HAProxySection?) -> [LocalCheck] {
        HAProxySection.localChecks(section, usesRuntimeAPI: false)
    }

    public static func planOffline(_ catalog: ServiceCatalog, section: HAProxySection?) throws -> (any SinkPlan)? {
        HAProxyPlan(try HAProxySection.planOffline(catalog, section: section), catalog: catalog, mechanism: .dataPlane)
    }
}

extension DataPlaneClientConfiguration {
    /// The client settings of the `haproxy:` section. The password is revealed here and only here: it
    /// goes into the Authorization header and nowhere else.
    init(_ section: HAProxySection) {
        self.init(
            baseURL: section.baseURL.absoluteString,
            apiVersion: section.apiVersion,
            username: section.username,
            password: section.password?.revealed,
            timeout: .milliseconds(Int((section.timeoutSeconds * 1000).rounded(.up))),
            verifySSL: section.verifySSL,
            caFile: section.caFile,
            allowInsecureHTTP: section.allowInsecureHTTP
        )
    }
}

extension HAProxySection {
    /// Plans `catalog` into an empty HAProxy with this section's settings, or the defaults without one.
    static func planOffline(_ catalog: ServiceCatalog, section: HAProxySection?) throws -> ReconcilePlan {
        let settings = try HAProxySinkSettings(section ?? HAProxySection())
        return ReconcilePlanner(settings: settings).plan(catalog: catalog, actual: [:])
    }
}

extension ServerSlotsSection {
    /// `slots base 10 (exponential x2.0)`, for the summary line.
    var summary: String {
        "slots base \(base) (\(growthType.rawValue) x\(growthFactor))"
    }
}
