import DataPlaneTesting
import Foundation
import HAProxySink
import InMemoryLogging
import Logging
import ProviderKit
import Testing

/// The Data Plane sink touches only the backends it owns (the discoveryd marker), never ones it merely resembles.
extension DataPlaneSinkTests {
    @Test(arguments: DataPlaneAPIVersion.allCases)
    func backendsWithoutTheMarkerAreNeverTouched(version: DataPlaneAPIVersion) async throws {
        try await withSinkHarness(version) { h in
            let web = DataPlaneSinkHarness.backendName("web")
            let stranger = "azure-legacy-80-westeurope"
            h.api.editOutOfBand { config in
                config[backend: web] = .init(fields: ["name": .string(web)], servers: [["name": "srv1", "address": "10.1.1.1", "port": 80]])
                config[backend: stranger] = .init(fields: ["name": .string(stranger)], servers: [["name": "srv1", "address": "10.1.1.2", "port": 80]])
            }
            let before = h.api.configuration

            try await h.sink.apply(Self.three.catalog, options: ApplyOptions())

            #expect(h.api.configuration[backend: web] == before[backend: web])
            #expect(h.api.configuration[backend: stranger] == before[backend: stranger])
            #expect(h.active("api", port: 8080).count == 2)
            #expect(!h.api.writes.contains { $0.backend == web || $0.backend == stranger })
        }
    }

    /// Seen: the marker was matched as a substring, so this backend was planned as retired and its live
    /// servers were put in maintenance.
    @Test(arguments: DataPlaneAPIVersion.allCases)
    func aDescriptionThatMerelyMentionsDiscoverydIsNotTheMarker(version: DataPlaneAPIVersion) async throws {
        try await withSinkHarness(version) { h in
            let legacy = "azure-legacy-80-westeurope"
            h.api.editOutOfBand { config in
                config[backend: legacy] = .init(
                    fields: ["name": .string(legacy), "description": "legacy pool, NOT managed by discoveryd"],
                    servers: [
                        ["name": "srv1", "address": "10.1.1.1", "port": 80],
                        ["name": "srv2", "address": "10.1.1.2", "port": 80],
                    ]
                )
            }
            let before = h.api.configuration

            let plan = try await h.sink.planAgainstActualState(Self.three.catalog)
            #expect(!plan.backends.contains { $0.backendName == legacy }, "not planned as retired")
            try await h.sink.apply(Self.three.catalog, options: ApplyOptions())

            #expect(h.api.configuration[backend: legacy] == before[backend: legacy])
            #expect(!h.api.writes.contains { $0.backend == legacy })
        }
    }
}
