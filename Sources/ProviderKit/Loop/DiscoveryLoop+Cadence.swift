import Logging
import ServiceLifecycle
import Synchronization

/// Between cycles: how long the loop waits, and what wakes it early.
extension DiscoveryLoop {
    func cycleUntilStopped() async {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            guard let report = await runCycle(forceFullResync: false, allowDrain: false) else { return }
            var (delay, failures) = state.withLock { state in
                (
                    policy.delay(
                        afterConsecutiveFailures: state.consecutiveFailedCycles,
                        cycleDuration: report.duration,
                        using: &state.random
                    ),
                    state.consecutiveFailedCycles
                )
            }
            // A change the sink has due at a time (a drain ending) comes sooner than the interval, not later.
            if failures == 0, let revisit = report.sink.report?.revisitAfter, revisit < delay {
                delay = max(revisit, .zero)
            }
            let status = LoopStatus(consecutiveFailedCycles: failures, nextDelay: delay, interval: policy.interval)
            for observer in observers { observer.loopDidFinishCycle(report, status: status) }
            if Task.isShuttingDownGracefully { return }
            logger.debug(
                "waiting for the next cycle",
                metadata: ["delay": .stringConvertible(delay), "consecutive-failed-cycles": .stringConvertible(failures)]
            )
            await waitForNextCycle(delay)
        }
    }

    private func waitForNextCycle(_ delay: Duration) async {
        let clock = self.clock
        let wake = self.wake
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { try? await clock.sleep(for: delay) }
                group.addTask { await wake.wait() }
                await group.next()
                group.cancelAll()
            }
        }
    }

    func watch(_ provider: any Provider) async {
        let wake = self.wake
        var logger = self.logger
        logger[metadataKey: "provider"] = .string(provider.name)
        do {
            try await provider.watchForChanges { [logger] in
                logger.debug("provider reported a change")
                wake.signal()
            }
        } catch {
            if Task.isCancelled { return }
            // Polling still runs, so the loop stays correct, only slower to notice changes.
            logger.warning("change watch failed; relying on polling for this provider", error: error)
        }
    }
}
