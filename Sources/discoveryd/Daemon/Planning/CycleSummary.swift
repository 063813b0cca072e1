import ProviderKit

/// The line `discoveryd --once` prints for the cycle it ran.
public enum CycleSummary {
    public static func line(for report: CycleReport, sinkName: String) -> String {
        let instances = report.providers.reduce(0) { total, provider in
            if case .fetched(let count) = provider.outcome { total + count } else { total }
        }
        let services = report.catalog?.services.count ?? 0
        let endpoints = report.catalog?.endpointCount ?? 0
        var line = "cycle \(report.cycle): \(instances) instances from \(report.providers.count) "
            + "provider\(report.providers.count == 1 ? "" : "s") -> \(services) services, \(endpoints) servers"
        if let sink = report.sink.report {
            line += "; \(sinkName): \(sink.requests) requests, \(sink.serversChanged) servers changed, "
                + "\(sink.reloads) reloads"
        }
        return line
    }
}
