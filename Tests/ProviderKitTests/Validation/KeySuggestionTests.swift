import ProviderKit
import Testing

@Suite("Did-you-mean key suggestions")
struct KeySuggestionTests {
    @Test("a typo, a missing letter and a plural slip find the intended key")
    func typos() {
        let keys = ["id", "address", "public_address", "tags", "state"]
        #expect(KeySuggestion.closest(to: "adress", among: keys) == "address")
        #expect(KeySuggestion.closest(to: "tag", among: keys) == "tags")
        #expect(KeySuggestion.closest(to: "server_slot", among: ["server_slots", "backend_prefix"]) == "server_slots")
        #expect(KeySuggestion.closest(to: "pth", among: ["path", "format"]) == "path")
    }

    @Test("case differences are not typos: the key is suggested as written in the candidates")
    func ignoresCase() {
        #expect(KeySuggestion.closest(to: "Address", among: ["id", "address"]) == "address")
        #expect(KeySuggestion.closest(to: "AZUR", among: ["azure", "static"]) == "azure")
    }

    @Test("an unrelated word gets no suggestion")
    func unrelatedWord() {
        #expect(KeySuggestion.closest(to: "timeout", among: ["id", "address", "tags"]) == nil)
        #expect(KeySuggestion.closest(to: "anything", among: []) == nil)
    }

    @Test("ties go to the earlier candidate")
    func tieBreak() {
        #expect(KeySuggestion.closest(to: "ab", among: ["ac", "ad"]) == "ac")
    }

    @Test("edit distance counts insertions, deletions and substitutions")
    func editDistance() {
        #expect(KeySuggestion.editDistance("kitten", "sitting") == 3)
        #expect(KeySuggestion.editDistance("", "abc") == 3)
        #expect(KeySuggestion.editDistance("abc", "") == 3)
        #expect(KeySuggestion.editDistance("same", "same") == 0)
        #expect(KeySuggestion.editDistance("Tags", "tags") == 1)
    }
}
