import Foundation
import ProviderKit
import Testing

/// An answer that does not decode is described in words with the path, never as Swift's dump of the error.
@Suite struct DecodingSentenceTests {
    struct Answer: Decodable {
        struct Server: Decodable { var name: String; var port: Int }
        var servers: [Server]
    }

    func sentence(_ json: String) -> String {
        do {
            _ = try JSONDecoder().decode(Answer.self, from: Data(json.utf8))
            return "decoded"
        } catch {
            return readableDescription(of: error)
        }
    }

    @Test func wrongTypeMissingKeyAndMissingValue() {
        #expect(sentence(#"{"servers":[{"name":"a","port":"x"}]}"#) == "expected a number at servers[0].port")
        #expect(sentence(#"{"servers":[{"port":1}]}"#) == #"missing key "name" at servers[0]"#)
        #expect(sentence(#"{"servers":[{"name":null,"port":1}]}"#) == "missing value (expected text) at servers[0].name")
        #expect(!sentence("{").contains("Context("))
    }
}
