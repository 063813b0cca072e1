import Foundation
import HAProxySink
import HAProxyTesting
import ProviderKit
import Testing

extension RealHAProxyRuntimeSinkTests {
    /// `demo-web-8081-e2e` exists in HAProxy but is hand-written: the plan must not call it missing and ask
    /// for haproxy.cfg lines that would declare it twice; it says it is not discoveryd's, and the apply would fail.
    @Test func planCallsAHandWrittenBackendNotOursAndNeverAsksToAddIt() async throws {
        try await Self.withDemoHAProxy { haproxy, web in
            let sink = RuntimeAPISink(client: haproxy.runtime, settings: HAProxySinkSettings(naming: Self.demoNaming))
            let catalog = ServiceCatalog([Self.service("web", port: 8081, [("a", web[0].host, web[0].port)])])
            let before = try await haproxy.serverStates()

            let plan = try await sink.planChanges(for: catalog)
            #expect(plan.applyWouldFail)
            #expect(plan.text.contains("demo-web-8081-e2e  NOT OURS"), "\(plan.text)")
            #expect(plan.text.contains("is not discoveryd's"))
            #expect(!plan.text.contains("add these lines"), "\(plan.text)")

            let basis = PlanBasis(
                target: "HAProxy's current backends",
                offline: false,
                discovery: PlanBasis.Discovery(instances: 1, providers: 1, served: 1, services: 1, leftOut: [])
            )
            let json = try plan.json(basis: basis)
            let document = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            let error = try #require((document["errors"] as? [[String: Any]])?.first)
            #expect(error["backend"] as? String == "demo-web-8081-e2e")
            #expect((error["haproxy_cfg"] as? [String])?.isEmpty == true)
            #expect((error["message"] as? String)?.contains("haproxy.runtime_backends") == true)
            #expect(try await haproxy.serverStates() == before, "planning wrote nothing")
        }
    }
}
