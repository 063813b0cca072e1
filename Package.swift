// swift-tools-version: 6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "discoveryd",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "ProviderKit", targets: ["ProviderKit"]),
        .library(name: "ProviderKitTesting", targets: ["ProviderKitTesting"]),
        .library(name: "StaticFileProvider", targets: ["StaticFileProvider"]),
        .library(name: "HTTPSupport", targets: ["HTTPSupport"]),
        .library(name: "AzureProvider", targets: ["AzureProvider"]),
        .library(name: "AWSProvider", targets: ["AWSProvider"]),
        .library(name: "HAProxySink", targets: ["HAProxySink"]),
        .executable(name: "discoveryd", targets: ["discoveryd"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .target(
            name: "ProviderKit",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ProviderKitTesting",
            dependencies: [
                "ProviderKit",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "StaticFileProvider",
            dependencies: [
                "ProviderKit",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        // HTTP plumbing every API client shares (TLS trust, timeouts, bounded bodies, retries); no ProviderKit.
        .target(
            name: "HTTPSupport",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "AzureProvider",
            dependencies: [
                "ProviderKit",
                "HTTPSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "AWSProvider",
            dependencies: [
                "ProviderKit",
                "HTTPSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // moto (an AWS emulator) in server mode, started per suite and seeded through the AWS API.
        .target(
            name: "AWSProviderTesting",
            dependencies: [
                "AWSProvider", "DiscoverydTesting", "HTTPSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "HTTPTestSupport",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "AzureProviderTesting",
            dependencies: [
                "HTTPTestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        // The fake Data Plane API (v2 and v3) over the shared loopback server, for every suite that needs one.
        .target(
            name: "DataPlaneTesting",
            dependencies: [
                "HAProxySink",
                "HTTPTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "HAProxySink",
            dependencies: [
                "ProviderKit",
                "HTTPSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DiscoverydOperations",
            dependencies: [
                "ProviderKit",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DiscoverydCore",
            dependencies: [
                "CProcessTuning",
                "ProviderKit",
                "StaticFileProvider",
                "AzureProvider",
                "AWSProvider",
                "HAProxySink",
                "DiscoverydOperations",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            path: "Sources/discoveryd/Daemon",
            swiftSettings: swiftSettings
        ),
        // glibc's mallopt for ProcessTuning (Swift's Glibc module does not import it); no-op elsewhere.
        .target(name: "CProcessTuning"),
        .executableTarget(
            name: "discoveryd",
            dependencies: [
                "DiscoverydCore",
                "DiscoverydOperations",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            path: "Sources/discoveryd/Command",
            swiftSettings: swiftSettings
        ),
        // The README's "Adding a provider" example, compiled and tested so that it cannot drift from the API.
        .target(
            name: "ExampleProvider",
            dependencies: ["ProviderKit"],
            path: "Examples/HostsFileProvider",
            swiftSettings: swiftSettings
        ),
        // A real HAProxy, loopback HTTP servers behind it and a traffic probe, for the end-to-end suites.
        .target(
            name: "HAProxyTesting",
            dependencies: [
                "HAProxySink",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DiscoverydTesting",
            swiftSettings: swiftSettings
        ),
        // `swift package benchmark`: group + plan at scale and a long loop's memory (Benchmarks/GroupAndPlan, thresholds in
        // Thresholds/).
        .executableTarget(
            name: "GroupAndPlan",
            dependencies: [
                "ProviderKit",
                "HAProxySink",
                "StaticFileProvider",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/GroupAndPlan",
            swiftSettings: swiftSettings,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // `swift run -c release OnceCycle`: peak RSS and CPU of one `discoveryd --once` against the fake Azure (README
        // "Benchmarks"); runs the release executable, not part of the test run.
        .executableTarget(
            name: "OnceCycle",
            dependencies: ["AzureProviderTesting", "DataPlaneTesting", "DiscoverydTesting", "HAProxySink"],
            path: "Benchmarks/OnceCycle",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ProviderKitTests",
            dependencies: [
                "ProviderKit",
                "ProviderKitTesting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StaticFileProviderTests",
            dependencies: ["StaticFileProvider", "ProviderKitTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HAProxySinkTests",
            dependencies: [
                "HAProxySink",
                "ProviderKitTesting",
                "DataPlaneTesting",
                "DiscoverydTesting",
                "HAProxyTesting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HTTPSupportTests",
            dependencies: [
                "HTTPSupport",
                "HTTPTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AzureProviderTests",
            dependencies: [
                "AzureProvider",
                "HTTPSupport",
                "AzureProviderTesting",
                "DiscoverydTesting",
                "ProviderKitTesting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DiscoverydOperationsTests",
            dependencies: [
                "DiscoverydOperations",
                "ProviderKit",
                "ProviderKitTesting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AWSProviderTests",
            dependencies: [
                "AWSProvider",
                "AWSProviderTesting",
                "DiscoverydCore",
                "DiscoverydTesting",
                "HTTPSupport",
                "HTTPTestSupport",
                "ProviderKit",
                "ProviderKitTesting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ExampleProviderTests",
            dependencies: [
                "ExampleProvider", "DiscoverydCore", "ProviderKit", "ProviderKitTesting",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DiscoverydTests",
            dependencies: [
                "DiscoverydCore",
                "AzureProvider",
                "HAProxyTesting",
                "discoveryd",
                "ProviderKit",
                "ProviderKitTesting",
                "HAProxySink",
                "StaticFileProvider",
                "DiscoverydTesting",
                "DataPlaneTesting",
                "AzureProviderTesting",
                "AWSProviderTesting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
