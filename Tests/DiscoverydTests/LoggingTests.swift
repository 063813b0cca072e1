import DiscoverydCore
import Foundation
import Logging
import Synchronization
import Testing

@Suite("Log output")
struct LoggingTests {
    final class Lines: Sendable {
        let lines = Mutex<[Data]>([])
        func append(_ data: Data) { lines.withLock { $0.append(data) } }
        var objects: [[String: Any]] {
            lines.withLock { $0 }.compactMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        }
    }

    /// A JSON logger writing into `captured`, as `LoggingBootstrap` would make it for `label`.
    func jsonLogger(_ label: String, level: Logger.Level = .info, into captured: Lines) -> Logger {
        var handler = JSONLogHandler(label: label) { captured.append($0) }
        handler.logLevel = level
        return Logger(label: label) { _ in handler }
    }

    @Test("json lines have the Python daemon's fields: timestamp, level, logger, message, extras at the top level")
    func jsonLines() throws {
        let captured = Lines()
        var logger = jsonLogger("haproxy_cloud_discovery.haproxy.reconciler", into: captured)
        logger[metadataKey: "service"] = "web"

        logger.debug("below the level")
        logger.warning(
            "Committing transaction 42",
            metadata: ["transaction-id": "42", "backend": "azure-web-80-westeurope", "backends": ["a", "b"]]
        )

        let objects = captured.objects
        try #require(objects.count == 1)
        let line = objects[0]
        #expect(line["level"] as? String == "WARNING")
        #expect(line["logger"] as? String == "haproxy_cloud_discovery.haproxy.reconciler")
        #expect(line["message"] as? String == "Committing transaction 42")
        #expect(line["service"] as? String == "web")
        #expect(line["backend"] as? String == "azure-web-80-westeurope")
        #expect(line["transaction_id"] as? String == "42")
        #expect(line["backends"] as? [String] == ["a", "b"])
        #expect(line["metadata"] == nil && line["label"] == nil)
        let raw = try #require(captured.lines.withLock { $0.first })
        #expect(raw.last == 0x0A)
        #expect(raw.filter { $0 == 0x0A }.count == 1)
    }

    @Test("the timestamp is ISO 8601 in UTC as Python's isoformat() writes it")
    func timestamp() throws {
        #expect(JSONLogHandler.timestamp(Date(timeIntervalSince1970: 1_795_000_000.25)) == "2026-11-18T11:06:40.250000+00:00")
        #expect(JSONLogHandler.timestamp(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00+00:00")

        let captured = Lines()
        jsonLogger("x", into: captured).info("now")
        let text = try #require(captured.objects.first?["timestamp"] as? String)
        #expect(text.hasSuffix("+00:00"))
        let parsed = try #require(ISO8601DateFormatter().date(from: text.replacingOccurrences(of: #"\.\d+"#, with: "", options: .regularExpression)))
        #expect(abs(parsed.timeIntervalSinceNow) < 60)
    }

    @Test("levels are Python's names", arguments: [
        (Logger.Level.trace, "DEBUG"), (.debug, "DEBUG"), (.info, "INFO"), (.notice, "INFO"),
        (.warning, "WARNING"), (.error, "ERROR"), (.critical, "CRITICAL"),
    ])
    func levelNames(_ level: Logger.Level, _ name: String) throws {
        let captured = Lines()
        jsonLogger("x", level: .trace, into: captured).log(level: level, "m")
        #expect(captured.objects.first?["level"] as? String == name)
    }

    @Test("numbers stay numbers, errors are in exception, and metadata cannot overwrite the fixed fields")
    func extrasAndExceptions() throws {
        struct Broken: Error, CustomStringConvertible { var description: String { "connection refused" } }
        let captured = Lines()
        let logger = jsonLogger("haproxy_cloud_discovery.daemon", into: captured)
        logger.info("Cycle complete", metadata: ["elapsed_seconds": .stringConvertible(0.42), "total_instances": .stringConvertible(12)])
        logger.error("Cycle failed", error: Broken(), metadata: ["level": "sneaky", "consecutiveFailures": .stringConvertible(2)])
        logger.error("could not delete transaction", metadata: ["error": "HTTP 500"])

        let objects = captured.objects
        try #require(objects.count == 3)
        #expect(objects[0]["elapsed_seconds"] as? Double == 0.42)
        #expect(objects[0]["total_instances"] as? Int == 12)
        #expect(objects[1]["exception"] as? String == "connection refused")
        #expect(objects[1]["level"] as? String == "ERROR")
        #expect(objects[1]["extra_level"] as? String == "sneaky")
        #expect(objects[1]["consecutive_failures"] as? Int == 2)
        #expect(objects[2]["exception"] as? String == "HTTP 500")
    }

    @Test("a cycle's duration is the Python daemon's elapsed_seconds, in seconds with two decimals")
    func durationIsElapsedSeconds() throws {
        let captured = Lines()
        jsonLogger("haproxy_cloud_discovery.daemon", into: captured)
            .info("Cycle complete", metadata: ["duration": .stringConvertible(Duration.milliseconds(1234)), "delay": .stringConvertible(Duration.milliseconds(500))])
        let line = try #require(captured.objects.first)
        #expect(line["elapsed_seconds"] as? Double == 1.23)
        #expect(line["duration"] == nil)
        #expect(line["delay"] as? Double == 0.5, "other durations keep their key, in seconds")
    }

    @Test("the logging section picks the handler and level")
    func handlerFromSection() {
        var section = LoggingSection()
        section.level = .error
        section.format = .json
        let json = LoggingBootstrap.makeHandler(label: "x", section: section)
        #expect(json is JSONLogHandler)
        #expect(json.logLevel == .error)

        section.format = .text
        let text = LoggingBootstrap.makeHandler(label: "x", section: section)
        #expect(!(text is JSONLogHandler), "text format: TextLogHandler (see TextLogFormatTests)")
        #expect(text.logLevel == .error)
    }
}
