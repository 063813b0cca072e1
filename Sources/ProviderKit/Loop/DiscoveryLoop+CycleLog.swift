import Logging
import Synchronization

/// How the loop reports each cycle's outcome in the log.
extension DiscoveryLoop {
    func log(_ reports: [ProviderReport], logger: Logger) {
        for report in reports {
            var logger = logger
            logger[metadataKey: "provider"] = .string(report.provider)
            switch report.outcome {
            case .fetched(let count):
                // The Python daemon's message and field for the same event, so its dashboards keep working.
                logger.info("Discovery complete", metadata: ["total_instances": .stringConvertible(count)])
            case .stale(let error, let count):
                let failures = state.withLock { $0.store.snapshots[report.provider]?.consecutiveFailures ?? 0 }
                logger.warning(
                    "provider failed; keeping its last good snapshot",
                    error: error,
                    metadata: [
                        "last-good-instances": .stringConvertible(count),
                        "consecutive-failures": .stringConvertible(failures),
                    ]
                )
            case .failed(let error):
                logger.error("provider failed and has never succeeded; nothing is applied until it does", error: error)
            }
        }
    }

    func log(_ report: CycleReport, logger: Logger) {
        // Seconds with two decimals, the Python daemon's `elapsed_seconds`.
        let (seconds, attoseconds) = report.duration.components
        let elapsed = ((Double(seconds) + Double(attoseconds) / 1e18) * 100).rounded() / 100
        var metadata: Logger.Metadata = [
            "elapsed_seconds": .stringConvertible(elapsed),
            "full-resync": .stringConvertible(report.fullResync),
            "sink": .string(sink.name),
        ]
        if let grouping = report.grouping {
            metadata["services"] = .stringConvertible(grouping.catalog.services.count)
            metadata["endpoints"] = .stringConvertible(grouping.catalog.endpointCount)
            metadata["skipped-instances"] = .stringConvertible(grouping.skipped.count)
        }
        switch report.sink {
        case .applied(let sinkReport):
            for failure in sinkReport.failures {
                // Every cycle, not once: the service stays broken until someone fixes it.
                logger.error(
                    "service not applied; the others were: \(failure)",
                    metadata: ["sink": .string(sink.name), "backend": .string(failure.target)]
                )
            }
            metadata["requests"] = .stringConvertible(sinkReport.requests)
            metadata["servers-changed"] = .stringConvertible(sinkReport.serversChanged)
            metadata["reloads"] = .stringConvertible(sinkReport.reloads)
            for change in sinkReport.changes {
                logger.info("\(change)", metadata: ["sink": .string(sink.name)])
            }
            if report.succeeded {
                logger.info("Cycle complete", metadata: metadata)
            } else {
                let failures = state.withLock { $0.consecutiveFailedCycles }
                logger.warning(
                    "Cycle failed (consecutive failures: \(failures)): a provider failed; its last good instances were applied",
                    metadata: metadata
                )
            }
        case .failed(let error):
            let failures = state.withLock { $0.consecutiveFailedCycles }
            logger.error(
                "Cycle failed (consecutive failures: \(failures)): the sink did not apply the catalog; will retry",
                error: error,
                metadata: metadata
            )
        case .waitingForProviders, .notApplied:
            logger.debug("cycle finished without applying", metadata: metadata)
        }
    }
}
