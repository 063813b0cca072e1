import Foundation
import Logging
import ProviderKit

/// The labels of discoveryd's loggers: the `logger` field of every JSON log line.
///
/// Where the Python daemon (haproxy-cloud-discovery) has a module doing the same job, the label is that
/// module's logger name, so that filters on `logger` built for its logs keep matching the same events
/// ("Cycle complete" from `haproxy_cloud_discovery.daemon`, say). Other components log as
/// `discoveryd.<component>`.
public enum LoggerName {
    /// The command line: startup, `--validate`, `--once`, fatal errors.
    public static let commandLine = "haproxy_cloud_discovery.cli"

    /// Component names (``ProviderKit/WiringContext/logger(for:)``) with a Python counterpart.
    public static let pythonModules: [String: String] = [
        "daemon": "haproxy_cloud_discovery.daemon",
        "azure": "haproxy_cloud_discovery.discovery.azure_client",
        "aws": "haproxy_cloud_discovery.discovery.aws_client",
        "haproxy-dataplane": "haproxy_cloud_discovery.haproxy.reconciler",
        "haproxy-dataplane-client": "haproxy_cloud_discovery.haproxy.dataplane_client",
    ]

    /// The label of a component's logger.
    public static func label(forComponent component: String) -> String {
        pythonModules[component] ?? "discoveryd.\(component)"
    }

    /// The short name the text format shows for a logger: the component with dots (`daemon`, `static`,
    /// `haproxy.runtime`, `haproxy.dataplane`), `discoveryd` for the command line. The JSON format keeps the
    /// label, which for components with a Python counterpart is that module's logger name.
    public static func textName(forLabel label: String) -> String {
        if label == commandLine { return "discoveryd" }
        let component =
            pythonModules.first { $0.value == label }?.key
            ?? (label.hasPrefix("discoveryd.") ? String(label.dropFirst("discoveryd.".count)) : label)
        return component.replacingOccurrences(of: "-", with: ".")
    }

    /// A wiring context whose components log under their labels through the process-wide logging system.
    public static func wiringContext() -> WiringContext {
        WiringContext(
            logger: Logger(label: commandLine),
            makeLogger: { Logger(label: label(forComponent: $0)) }
        )
    }
}
