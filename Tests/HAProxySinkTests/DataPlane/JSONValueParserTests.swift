import Foundation
import Testing

@testable import HAProxySink

/// The Data Plane client's JSON parser against `JSONDecoder` (what `JSONValue.decode` uses): the same values for
/// every document, and a refusal for what is not JSON.
@Suite("JSON value parser")
struct JSONValueParserTests {
    @Test("the same values as JSONDecoder", arguments: [
        #"{"name":"srv1","address":"10.0.0.1","port":80,"weight":100,"check":"enabled","backup":null}"#,
        #"[{"a":[1,2.5,-3,0,1e3,-2.5E-2,12345678901234]},{},[],true,false,null]"#,
        #"  {"escapes":"q\" b\\ s\/ \b\f\n\r\t \u00e9 \u20ac \ud83d\ude00 é","empty":""}  "#,
        #"{"_version":7,"data":[{"name":"azure-web-80-westeurope","servers":{"srv2":{"name":"srv2"}}}]}"#,
        "3", "\"text\"", "-0", "0.1",
    ])
    func sameAsJSONDecoder(_ document: String) throws {
        let data = Data(document.utf8)
        #expect(try JSONValueParser.parse(data) == (try JSONValue.decode(data)))
    }

    @Test("what is not JSON is refused", arguments: [
        "", "{", "[1,]", "{\"a\":}", "{'a':1}", "01", "1.", "-", "tru", "nul", "\"open", "\"bad \\x escape\"",
        "\"\\ud83d alone\"", "\"\\ude00\"", "[1] 2", "{\"a\" 1}", "\"tab\tinside\"", "NaN",
    ])
    func refusesMalformed(_ document: String) {
        #expect(throws: JSONValueParser.Failure.self) { try JSONValueParser.parse(Data(document.utf8)) }
    }

    @Test("nesting deeper than 512 levels is refused, not a crash")
    func deepNesting() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONValueParser.Failure.self) { try JSONValueParser.parse(Data(deep.utf8)) }
        let fine = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect((try? JSONValueParser.parse(Data(fine.utf8))) != nil)
    }
}

/// The request bodies: what the writer writes reads back as the same value, through JSONDecoder.
@Suite("JSON value writer")
struct JSONValueWriterTests {
    @Test("round trip through JSONDecoder")
    func roundTrip() throws {
        let value: JSONValue = [
            "name": "srv1", "port": 80, "weight": 100, "ratio": .number(0.25), "big": 123_456_789_012, "negative": -3,
            "text": "q\" b\\ / \n\r\t \u{1} é 😀", "flags": [true, false, .null], "nested": ["a": [:], "b": []],
        ]
        let bytes = JSONValueWriter.bytes(value)
        #expect(try JSONValue.decode(Data(bytes)) == value)
        #expect(String(decoding: JSONValueWriter.bytes(["b": 1, "a": "x"]), as: UTF8.self) == #"{"a":"x","b":1}"#)
    }
}
