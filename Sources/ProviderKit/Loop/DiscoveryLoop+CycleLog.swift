import Logging

/// How the loop reports each cycle in the log: what it did, without flooding.
///
/// - A cycle that changed something: one `info` line, `Cycle complete` (the Python daemon's message) with the
///   counts (servers added, updated, freed; services; duration).
/// - A quiet cycle (nothing changed): the same line at `debug`, so that a healthy daemon is silent at `info`.
/// - A failed cycle: one `warning` (a provider failed and its last good instances stood in) or `error` line
///   (nothing could be applied), `Cycle failed: ` and the reasons as sentences, with the consecutive count.
/// - A provider that answers again after failing: one `info` line saying after how many failed cycles.
/// - What the sink changed, and every service it could not apply, one line each, under the sink's logger.
extension DiscoveryLoop {
    /// Each provider's answer at `debug` (the Python daemon's `Discovery complete` with `total_instances`), and
    /// one `info` line for each provider that answers again after failures.
    func logAnswers(_ reports: [ProviderReport], recoveries: [String: Int], logger: Logger) {
        for report in reports {
            guard case .fetched(let count) = report.outcome else { continue }
            var logger = logger
            logger[metadataKey: "provider"] = .string(report.provider)
            logger.debug("Discovery complete", metadata: ["total_instances": .stringConvertible(count)])
            if let failures = recoveries[report.provider] {
                let cycles = failures == 1 ? "cycle" : "cycles"
                logger.info(
                    "\(Self.readableName(ofProvider: report.provider)) recovered after \(failures) failed \(cycles)",
                    metadata: ["failed_cycles": .stringConvertible(failures)]
                )
            }
        }
    }

    func log(_ report: CycleReport, consecutiveFailures: Int, waitingFor: [String], logger: Logger) {
        var metadata: Logger.Metadata = ["duration": .stringConvertible(report.duration)]
        // The Python daemon's field for the instances discovered, summed over the providers; left out when one
        // failed, since the sum would then not be what the cycle served.
        if report.providerFailures.isEmpty {
            let fetched = report.providers.reduce(0) { total, provider in
                if case .fetched(let count) = provider.outcome { total + count } else { total }
            }
            metadata["total_instances"] = .stringConvertible(fetched)
        }
        if let grouping = report.grouping {
            metadata["services"] = .stringConvertible(grouping.catalog.services.count)
            metadata["endpoints"] = .stringConvertible(grouping.catalog.endpointCount)
            if !grouping.skipped.isEmpty {
                metadata["skipped_instances"] = .stringConvertible(grouping.skipped.count)
            }
        }
        if report.fullResync { metadata["full_resync"] = .stringConvertible(true) }
        if let sinkReport = report.sink.report {
            logSinkReport(sinkReport, cycle: report.cycle)
            // Counts where something changed; a quiet or failed cycle's line stays short.
            if !sinkReport.isNoOp { metadata.merge(Self.counts(sinkReport, report)) { _, counts in counts } }
        }

        var reasons = report.providerFailures.map { DiscoveryError.describe(provider: $0.provider, error: $0.error) }
        if let error = report.sink.error { reasons.append("\(error)") }
        guard !reasons.isEmpty else {
            if report.sink.report?.isNoOp == false {
                logger.info("Cycle complete", metadata: metadata)
            } else {
                logger.debug("Cycle complete; nothing changed", metadata: metadata)
            }
            return
        }

        metadata["consecutive_failures"] = .stringConvertible(consecutiveFailures)
        var message = "Cycle failed: " + reasons.joined(separator: "; ")
        switch report.sink {
        case .applied:
            logger.warning("\(message); the last good instances of the failed provider stay applied", metadata: metadata)
        case .failed:
            logger.error("\(message)", metadata: metadata)
        case .waitingForProviders:
            metadata["waiting_for"] = .array(waitingFor.map { .string($0) })
            message += "; nothing is applied until every provider has answered once"
            logger.error("\(message)", metadata: metadata)
        case .notApplied:
            logger.warning("\(message); nothing was applied", metadata: metadata)
        }
    }

    /// The sink's changes at `info` and its failed services at `error`, one line each, under its logger.
    /// Failed services are logged every cycle, not once: each stays broken until someone fixes it.
    private func logSinkReport(_ report: SinkReport, cycle: Int) {
        var sinkLogger = self.sinkLogger
        sinkLogger[metadataKey: "cycle"] = .stringConvertible(cycle)
        for failure in report.failures {
            var metadata: Logger.Metadata = ["backend": .string(failure.target)]
            if let service = failure.service { metadata["service"] = .string(service.name) }
            if let fix = failure.fix { metadata["fix"] = .string(fix) }
            sinkLogger.error("\(failure.target) not applied (the others were): \(failure.message)", metadata: metadata)
        }
        for change in report.changes {
            sinkLogger.info("\(change)")
        }
    }

    /// The counts of a cycle's line: what the sink changed and what it cost.
    static func counts(_ sinkReport: SinkReport, _ report: CycleReport) -> Logger.Metadata {
        var metadata: Logger.Metadata = [
            "servers_added": .stringConvertible(sinkReport.serversAdded),
            "servers_updated": .stringConvertible(sinkReport.serversUpdated),
            "servers_freed": .stringConvertible(sinkReport.serversFreed),
            "requests": .stringConvertible(sinkReport.requests),
            "duration": .stringConvertible(report.duration),
        ]
        if sinkReport.reloads > 0 { metadata["reloads"] = .stringConvertible(sinkReport.reloads) }
        if let services = report.grouping?.catalog.services.count { metadata["services"] = .stringConvertible(services) }
        return metadata
    }

    /// `static /etc/fleet.yaml` for the provider named `static:/etc/fleet.yaml` (names are `kind:detail`).
    static func readableName(ofProvider name: String) -> String {
        guard let colon = name.firstIndex(of: ":"), colon != name.startIndex else { return "provider \(name)" }
        return name[..<colon] + " " + name[name.index(after: colon)...]
    }
}
