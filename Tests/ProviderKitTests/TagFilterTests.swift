import ProviderKit
import Testing

@Suite("Tag allowlist and denylist")
struct TagFilterTests {
    @Test("every allowlist pair must match (AND)")
    func allowlistIsAnd() {
        let filter = TagFilter(allowlist: ["env": "prod", "team": "edge"])
        #expect(filter.admits(["env": "prod", "team": "edge", "other": "x"]))
        #expect(!filter.admits(["env": "prod"]))
        #expect(!filter.admits(["env": "prod", "team": "core"]))
        #expect(!filter.admits([:]))
    }

    @Test("any denylist pair excludes (OR)")
    func denylistIsOr() {
        let filter = TagFilter(denylist: ["env": "dev", "drain": "true"])
        #expect(filter.admits(["env": "prod"]))
        #expect(!filter.admits(["env": "dev"]))
        #expect(!filter.admits(["env": "prod", "drain": "true"]))
        #expect(filter.admits(["env": "prod", "drain": "false"]))
    }

    @Test("the denylist wins over a matching allowlist")
    func denyWins() {
        let filter = TagFilter(allowlist: ["env": "prod"], denylist: ["drain": "true"])
        #expect(filter.admits(["env": "prod"]))
        #expect(!filter.admits(["env": "prod", "drain": "true"]))
    }

    @Test("tag names compare without case, values exactly")
    func caseRules() {
        let filter = TagFilter(allowlist: ["Env": "prod"])
        #expect(filter.admits(["ENV": "prod"]))
        #expect(!filter.admits(["env": "Prod"]))
    }

    @Test("an empty filter admits everything")
    func emptyFilter() {
        #expect(TagFilter().admits([:]))
        #expect(TagFilter().admits(["anything": "goes"]))
    }

    @Test("the grouper applies the filter to tagged instances")
    func grouperUsesFilter() {
        let grouper = ServiceGrouper(filter: TagFilter(allowlist: ["env": "prod", "tier": "web"], denylist: ["drain": "true"]))
        let result = grouper.group([
            taggedInstance("both", address: "10.0.0.1", extraTags: ["env": "prod", "tier": "web"]),
            taggedInstance("one", address: "10.0.0.2", extraTags: ["env": "prod"]),
            taggedInstance("drained", address: "10.0.0.3", extraTags: ["env": "prod", "tier": "web", "drain": "true"]),
        ])
        #expect(result.catalog.addressesByService == ["web:80@westeurope": ["10.0.0.1:80"]])
        #expect(result.skipped.map(\.reason) == [.filteredOut, .filteredOut])
    }
}
