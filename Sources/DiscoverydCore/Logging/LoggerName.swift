/// The labels of discoveryd's loggers: the `logger` field of every JSON log line.
///
/// Where the Python daemon (haproxy-cloud-discovery) has a module doing the same job, the label is that
/// module's logger name, so that filters on `logger` built for its logs keep matching the same events
/// ("Cycle complete" from `haproxy_cloud_discovery.daemon`, say). Parts it does not have are `discoveryd.*`.
public enum LoggerName: String, Sendable, CaseIterable {
    /// The command line: startup, `--validate`, `--once`, fatal errors.
    case commandLine = "haproxy_cloud_discovery.cli"
    /// The discovery loop: cycles, their timing and failures.
    case daemon = "haproxy_cloud_discovery.daemon"
    /// The Azure provider.
    case azureProvider = "haproxy_cloud_discovery.discovery.azure_client"
    /// The Data Plane API sink: backends, servers, transactions.
    case dataPlaneSink = "haproxy_cloud_discovery.haproxy.reconciler"
    /// The Data Plane API HTTP client.
    case dataPlaneClient = "haproxy_cloud_discovery.haproxy.dataplane_client"
    /// The static file provider (no Python counterpart).
    case staticProvider = "discoveryd.static"
    /// The Runtime API sink (no Python counterpart).
    case runtimeSink = "discoveryd.haproxy-runtime"
}
