import DiscoverydCore
import Logging
import ServiceLifecycle
import ServiceLifecycleTestKit
import Synchronization
import Testing
import UnixSignals

@Suite("SIGHUP handling")
struct HangupResyncServiceTests {
    @Test("every hang-up signal triggers one resync request, and graceful shutdown ends the service")
    func signalsTriggerResync() async throws {
        let (signals, delivery) = AsyncStream.makeStream(of: UnixSignal.self)
        let (requests, requested) = AsyncStream.makeStream(of: Void.self)
        let count = Mutex(0)
        let service = HangupResyncService(signals: signals) {
            count.withLock { $0 += 1 }
            requested.yield()
        }

        try await testGracefulShutdown { triggerShutdown in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await service.run() }
                var iterator = requests.makeAsyncIterator()
                delivery.yield(.sighup)
                _ = await iterator.next()
                delivery.yield(.sighup)
                _ = await iterator.next()
                #expect(count.withLock { $0 } == 2)

                triggerShutdown.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        #expect(count.withLock { $0 } == 2)
    }
}
