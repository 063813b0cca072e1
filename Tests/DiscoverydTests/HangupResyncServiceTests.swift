import DiscoverydCore
import Logging
import ProviderKit
import ProviderKitTesting
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

@Suite("The daemon's service group")
struct DaemonServiceGroupTests {
    @Test("runs cycles, turns a hang-up into a full resync, and returns normally on graceful shutdown")
    func hangupAndGracefulShutdown() async throws {
        let configuration = try ConfigurationLoader(environment: [:]).load(
            yaml: "static: {path: instances.yaml}\nhaproxy: {runtime_socket: /run/haproxy.sock}\n",
            directory: RepositoryPaths.fixture("demo")
        )
        let assembly = DaemonAssembly(
            configuration: configuration,
            context: WiringContext(logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        )
        let sink = RecordingSink()
        let loop = try assembly.makeLoop(sink: sink)
        let (hangups, deliver) = AsyncStream.makeStream(of: UnixSignal.self)
        let group = assembly.makeServiceGroup(loop: loop, hangupSignals: hangups, gracefulShutdownSignals: [])

        try await testGracefulShutdown { shutdown in
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                await sink.waitForAttempts(atLeast: 1)
                deliver.yield(.sighup)
                await sink.waitForAttempts(atLeast: 2)
                shutdown.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
        }

        let applied = await sink.applied
        #expect(applied.count == 2)
        // The first cycle always resyncs fully; the hang-up asked for the second one.
        #expect(applied.map(\.options.fullResync) == [true, true])
        #expect(applied.last?.catalog.services.count == 2)
    }
}
