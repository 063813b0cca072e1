import Logging
import ProviderKit
import Synchronization

/// Power states of the standalone and Flexible VMs of some resource groups without any subscription-scope
/// ARM request: one Resource Graph query (paged) over the subscription for the listed groups.
///
/// If Resource Graph refuses the identity (403), each VM's instance view is read instead — one request
/// per VM — with one warning that names the cost; every cycle tries Resource Graph again first, so
/// granting access takes effect without a restart.
struct PowerStateReader: Sendable {
    var client: ARMClient
    var subscriptionID: String
    var resourceGroups: [String]
    var concurrency: Int
    var logger: Logger
    let fallbackWarning = OnceFlag()

    /// The KQL for the listed groups (names are validated: letters, digits, `-_.()` only).
    static func query(resourceGroups: [String]) -> String {
        let groups = resourceGroups.map { "'\($0)'" }.joined(separator: ", ")
        return "Resources | where type =~ 'microsoft.compute/virtualmachines' | where resourceGroup in~ (\(groups)) "
            + "| project id, powerState = tostring(properties.extended.instanceView.powerState.code) | order by id asc"
    }

    struct Row: Decodable, Sendable {
        var id: String
        var powerState: String?
    }

    enum Outcome: Sendable {
        case statuses([VirtualMachine])
        case refused(AzureProviderError)
    }

    /// Resource Graph's answer as status-only VMs, or its refusal (any other failure throws).
    func queryResourceGraph() async throws -> Outcome {
        let query = ResourceGraphQuery(subscriptionIDs: [subscriptionID], query: Self.query(resourceGroups: resourceGroups))
        do {
            let rows = try await query.rows(Row.self, using: client)
            if fallbackWarning.isSet {
                logger.notice("azure: Resource Graph answers again; power states come from one query per cycle")
                fallbackWarning.reset()
            }
            return .statuses(rows.map { Self.statusOnly(id: $0.id, code: $0.powerState) })
        } catch let error as AzureProviderError where error.status == 403 {
            return .refused(error)
        }
    }

    /// The fallback: each VM's instance view, at most `concurrency` at once.
    func instanceViews(of machines: [VirtualMachine], refusal: AzureProviderError) async throws -> [VirtualMachine] {
        if fallbackWarning.set() {
            logger.warning(
                "azure: Resource Graph refused the power-state query; reading each VM's instance view instead, one request per VM (\(machines.count) requests this cycle instead of 1). Allow Microsoft.ResourceGraph/resources/read (e.g. the Reader role) to avoid the cost",
                metadata: ["error": "\(refusal.message)"]
            )
        }
        let client = self.client
        let jobs: [@Sendable () async throws -> VirtualMachine?] = machines.map { machine in
            {
                let url = client.url(path: machine.id + "/instanceView", query: [("api-version", ARMPaths.computeAPIVersion)])
                do {
                    let view = try await client.get(url, as: InstanceView.self)
                    return VirtualMachine(id: machine.id, properties: .init(instanceView: view))
                } catch let error as AzureProviderError where error.status == 404 {
                    return nil  // deleted since the VM list was read
                }
            }
        }
        return try await runBounded(limit: concurrency, jobs).compactMap { $0 }
    }

    static func statusOnly(id: String, code: String?) -> VirtualMachine {
        VirtualMachine(id: id, properties: .init(instanceView: InstanceView(statuses: [InstanceViewStatus(code: code)])))
    }
}

/// A flag set once: `set()` answers true only for the call that set it.
final class OnceFlag: Sendable {
    private let value = Mutex(false)
    var isSet: Bool { value.withLock { $0 } }
    func set() -> Bool { value.withLock { was in defer { was = true }; return !was } }
    func reset() { value.withLock { $0 = false } }
}
