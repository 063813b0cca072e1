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

    @Test("json format writes one object per line with level, label, message and metadata")
    func jsonLines() throws {
        let captured = Lines()
        var handler = JSONLogHandler(label: "discoveryd.test") { captured.append($0) }
        handler.logLevel = .info
        var logger = Logger(label: "discoveryd.test") { _ in handler }
        logger[metadataKey: "provider"] = "static:demo"

        logger.debug("below the level")
        logger.warning("provider failed", metadata: ["attempt": "3", "backends": ["a", "b"]])

        let objects = captured.objects
        try #require(objects.count == 1)
        let line = objects[0]
        #expect(line["level"] as? String == "warning")
        #expect(line["label"] as? String == "discoveryd.test")
        #expect(line["message"] as? String == "provider failed")
        let metadata = try #require(line["metadata"] as? [String: Any])
        #expect(metadata["provider"] as? String == "static:demo")
        #expect(metadata["attempt"] as? String == "3")
        #expect(metadata["backends"] as? [String] == ["a", "b"])
        #expect(line["timestamp"] is String)
        let raw = try #require(captured.lines.withLock { $0.first })
        #expect(raw.last == 0x0A)
        #expect(raw.filter { $0 == 0x0A }.count == 1)
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
        #expect(!(text is JSONLogHandler), "text format: the escaping stream handler (see SafetyCommandLineTests)")
        #expect(text.logLevel == .error)
    }
}
