import DiscoverydCore
import Foundation
import HAProxySink
import Logging
import ProviderKit
import ProviderKitTesting
import Synchronization
import Testing

@Suite("Text log format")
struct TextLogFormatTests {
    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
        func append(_ line: String) { lines.withLock { $0.append(line) } }
        var all: [String] { lines.withLock { $0 } }
        /// Each line without its timestamp (checked to be one) and newline.
        var withoutTimestamps: [String] {
            all.map { line in
                #expect(line.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z [a-z]+ [^ ]+: .*\n/) != nil, "\(line)")
                return String(line.drop { $0 != " " }.dropFirst().dropLast())
            }
        }
    }

    func textLogger(_ label: String, level: Logger.Level = .debug, into captured: Lines) -> Logger {
        var handler = TextLogHandler(label: label) { captured.append($0) }
        handler.logLevel = level
        return Logger(label: label) { _ in handler }
    }

    @Test("timestamp level logger: message key=value, keys sorted and snake_case, durations in milliseconds")
    func lineFormat() throws {
        let captured = Lines()
        textLogger("haproxy_cloud_discovery.daemon", into: captured).warning(
            "Cycle failed: static provider fleet.yaml: no such file",
            metadata: [
                "consecutive-failures": .stringConvertible(3),
                "duration": .stringConvertible(Duration.microseconds(12_400)),
                "path": "/tmp/my fleet.yaml",
                "quote": "say \"hi\" \\o/",
                "empty": "",
                "waiting_for": ["a", "b"],
                "equals": "a=b",
            ]
        )
        #expect(captured.withoutTimestamps == [
            #"warning daemon: Cycle failed: static provider fleet.yaml: no such file consecutive_failures=3 "#
                + #"duration_ms=12 empty="" equals="a=b" path="/tmp/my fleet.yaml" quote="say \"hi\" \\o/" waiting_for=a,b"#
        ])
    }

    @Test("an error goes last as error=; control characters never break a line; one event is one line")
    func oneEventOneLine() throws {
        struct Broken: Error, CustomStringConvertible { var description: String { "line one\nline two" } }
        let captured = Lines()
        let logger = textLogger("discoveryd.static", into: captured)
        logger.error("instance web-1\nFORGED critical line", error: Broken(), metadata: ["instance-name": "web-1\r\nx"])
        logger.info("plain", metadata: ["error": "HTTP 500 from the API"])

        #expect(captured.all.allSatisfy { $0.filter { $0 == "\n" }.count == 1 && $0.hasSuffix("\n") })
        #expect(captured.withoutTimestamps == [
            #"error static: instance web-1\nFORGED critical line instance_name="web-1\r\nx" error="line one\nline two""#,
            #"info static: plain error="HTTP 500 from the API""#,
        ])
    }

    @Test("the logger is shown by its component's short name; JSON keeps the Python module names", arguments: [
        ("haproxy_cloud_discovery.daemon", "daemon"),
        ("haproxy_cloud_discovery.cli", "discoveryd"),
        ("haproxy_cloud_discovery.haproxy.reconciler", "haproxy.dataplane"),
        ("haproxy_cloud_discovery.haproxy.dataplane_client", "haproxy.dataplane.client"),
        ("haproxy_cloud_discovery.discovery.azure_client", "azure"),
        ("discoveryd.haproxy-runtime", "haproxy.runtime"),
        ("discoveryd.static", "static"),
        ("discoveryd.lifecycle", "lifecycle"),
    ])
    func loggerNames(_ label: String, _ name: String) {
        #expect(LoggerName.textName(forLabel: label) == name)
    }

    @Test("the text handler is what the logging section's text format installs")
    func installedByTheSection() {
        var section = LoggingSection()
        section.format = .text
        #expect(LoggingBootstrap.makeHandler(label: "x", section: section) is TextLogHandler)
    }

    @Test("a cycle's changes are logged under the sink's logger, the cycle line under the daemon's")
    func sinkChangesUnderTheSinkLogger() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("textlog-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try """
            instances:
              - id: web-1
                address: 127.0.0.11
                region: local
                tags: {HAProxy:Service:Name: web, HAProxy:Service:Port: 8080}
            """.write(to: directory.appendingPathComponent("fleet.yaml"), atomically: true, encoding: .utf8)
        let configuration = try ConfigurationLoader(environment: [:]).load(
            yaml: "static: {path: fleet.yaml}\nhaproxy: {runtime_socket: /run/haproxy.sock}\n",
            directory: directory.path
        )
        let captured = Lines()
        let context = WiringContext(
            logger: textLogger(LoggerName.commandLine, level: .info, into: captured),
            makeLogger: { component in textLogger(LoggerName.label(forComponent: component), level: .info, into: captured) }
        )
        let loop = try DaemonAssembly(configuration: configuration, context: context)
            .makeLoop(sink: RecordingSink(name: "haproxy-runtime"))
        _ = try await loop.runOnce()

        let lines = captured.withoutTimestamps
        #expect(lines.first == "info haproxy.runtime: web:8080@local: add web-1 127.0.0.11:8080 cycle=1")
        let cycle = try #require(lines.last)
        #expect(cycle.hasPrefix("info daemon: Cycle complete cycle=1 duration_ms="))
        #expect(cycle.hasSuffix(" endpoints=1 full_resync=true requests=1 servers_added=1 servers_freed=0 servers_updated=0 services=1 total_instances=1"))
        #expect(lines.count == 2, "a quiet provider answer is a debug line: \(lines)")
    }
}
