import Foundation
import Logging
import ProviderKit
import ProviderKitTesting
import Testing

import StaticFileProvider

@Suite("Provider contract")
struct ProviderContractTests {
    @Test("StaticFileProvider passes the ProviderKit conformance suite, including throwing on a broken file")
    func conformance() async throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(
            """
            instances:
              - {id: web-1, address: 10.0.0.4, region: westeurope, tags: {HAProxy:Service:Name: web}}
              - {id: web-2, address: "fd00::5", region: westeurope, state: stopped}
            """,
            to: "fleet.yaml"
        )
        let provider = StaticFileProvider(
            path: path, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        try await ProviderConformance(
            provider: provider,
            expected: [
                Instance(
                    id: "web-1", address: "10.0.0.4", region: "westeurope", tags: ["HAProxy:Service:Name": "web"],
                    sourceKind: "static"),
                Instance(id: "web-2", address: "fd00::5", region: "westeurope", state: .stopped, sourceKind: "static"),
            ],
            injectFailure: { try Data("instances: [{id: web-1}]\n".utf8).write(to: URL(fileURLWithPath: path)) }
        ).run()
    }

    @Test("A deleted file makes fetch throw rather than report an empty fleet")
    func deletedFileThrows() async throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("instances: [{id: a, address: 10.0.0.1, region: r}]\n", to: "fleet.yaml")
        let provider = StaticFileProvider(
            path: path, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        #expect(try await provider.fetchInstances().count == 1)

        try FileManager.default.removeItem(atPath: path)
        let error = await #expect(throws: StaticFileError.self) { try await provider.fetchInstances() }
        #expect(error?.code == .unreadableFile)
    }
}
