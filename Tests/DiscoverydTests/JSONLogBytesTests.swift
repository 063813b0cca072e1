import Foundation
import Logging
import Testing

@testable import DiscoverydCore

/// The hand-written JSON of the log lines against `JSONSerialization`'s bytes (what discoveryd wrote before,
/// and what log pipelines are built on): the same bytes for every value, by hand or by falling back.
@Suite("JSON log bytes")
struct JSONLogBytesTests {
    static func foundationBytes(_ value: JSONLogLine) throws -> [UInt8] {
        Array(
            try JSONSerialization.data(withJSONObject: value.foundationObject, options: [.sortedKeys, .withoutEscapingSlashes])
        )
    }

    @Test("a typical line is written by hand, byte for byte what JSONSerialization writes")
    func typicalLine() throws {
        let line = JSONLogLine.object([
            "timestamp": .string("2026-12-01T14:18:20.123456+00:00"),
            "level": .string("INFO"),
            "logger": .string("haproxy_cloud_discovery.haproxy.reconciler"),
            "message": .string("azure-web-80-westeurope: add srv12 10.0.0.7:80 \"quoted\" \\ / é\n\t\u{1}"),
            "elapsed_seconds": .double(0.42),
            "cycle": .int(3),
            "full_resync": .bool(true),
            "transaction_id": .string("a1b2"),
            "backends": .array([.string("a"), .int(-7), .double(100)]),
            "extra_message": .object(["inner_key": .double(-3.75), "a_b": .int(1), "ab": .int(2), "a": .int(0)]),
        ])
        let byHand = try #require(line.encoded(), "this line must not need the fallback")
        #expect(byHand == (try Self.foundationBytes(line)))
    }

    @Test("random lines: the same bytes as JSONSerialization, by hand or through the fallback")
    func randomLines() throws {
        var generator = SystemRandomNumberGenerator()
        var handWritten = 0
        for _ in 0..<2_000 {
            let line = Self.randomValue(depth: 0, using: &generator)
            let expected = try Self.foundationBytes(line)
            let actual = try #require(JSONLogHandler.encoded(line))
            #expect(Array(actual) == expected, "\(String(decoding: expected, as: UTF8.self))")
            if line.encoded() != nil { handWritten += 1 }
        }
        // Most lines take the fast path; the fallback is for the rare key or double.
        #expect(handWritten > 200)
    }

    static func randomValue(depth: Int, using generator: inout SystemRandomNumberGenerator) -> JSONLogLine {
        let choice = depth == 0 ? 5 : Int.random(in: 0..<(depth > 2 ? 4 : 6), using: &generator)
        switch choice {
        case 0: return .string(randomString(using: &generator))
        case 1: return .int(Int.random(in: -1_000_000...1_000_000, using: &generator))
        case 2: return .bool(Bool.random(using: &generator))
        case 3: return .double(randomDouble(using: &generator))
        case 4:
            return .array((0..<Int.random(in: 0...3, using: &generator)).map { _ in
                randomValue(depth: depth + 1, using: &generator)
            })
        default:
            var object: [String: JSONLogLine] = [:]
            for _ in 0..<Int.random(in: 0...8, using: &generator) {
                object[randomKey(using: &generator)] = randomValue(depth: depth + 1, using: &generator)
            }
            return .object(object)
        }
    }

    /// Mostly `a`-`z` and `_` (the hand-written path), sometimes a digit or a capital (the fallback).
    static func randomKey(using generator: inout SystemRandomNumberGenerator) -> String {
        let plain = Array("abcdefghijklmnopqrstuvwxyz__")
        let other = Array("0123456789AZ-.")
        let length = Int.random(in: 1...10, using: &generator)
        return String((0..<length).map { _ in
            Int.random(in: 0..<40, using: &generator) == 0 ? other.randomElement(using: &generator)! : plain.randomElement(using: &generator)!
        })
    }

    static func randomString(using generator: inout SystemRandomNumberGenerator) -> String {
        let pool: [Unicode.Scalar] = ["a", "Z", "0", " ", "\"", "\\", "/", "\n", "\r", "\t", "\u{8}", "\u{c}", "\u{0}", "\u{1}",
            "\u{1f}", "\u{7f}", "é", "ü", "\u{2028}", "😀", "{", "}", ":", ","]
        let length = Int.random(in: 0...24, using: &generator)
        var text = String.UnicodeScalarView()
        for _ in 0..<length { text.append(pool.randomElement(using: &generator)!) }
        return String(text)
    }

    static func randomDouble(using generator: inout SystemRandomNumberGenerator) -> Double {
        switch Int.random(in: 0..<6, using: &generator) {
        case 0: return (Double.random(in: 0..<1_000, using: &generator) * 100).rounded() / 100
        case 1: return Double(Int.random(in: -5_000...5_000, using: &generator))
        case 2: return Double.random(in: -1...1, using: &generator)
        case 3: return Double.random(in: 1e-9...1e-3, using: &generator)
        case 4: return Double.random(in: 1e12...1e22, using: &generator)
        default: return [0, -0.0, 1e15, 999_999_999_999_999, 0.1, 0.30000000000000004].randomElement(using: &generator)!
        }
    }
}
