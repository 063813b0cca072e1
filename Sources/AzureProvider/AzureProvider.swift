import Foundation
import HTTPSupport
import Logging
import ProviderKit
import Synchronization

/// Azure VMs and VM scale-set instances of one subscription, read over the ARM REST API.
///
/// A cycle costs a fixed number of bulk lists however many machines there are — whole subscription:
/// `4 + 2 × (tagged Uniform scale sets)` plus extra pages (`+1 + 1 × tagged Uniform scale sets` with
/// `address: public`); listed resource groups: `1 Resource Graph query + 3 × groups + 2 × (tagged Uniform
/// scale sets)` (+ `groups + tagged Uniform sets` with `address: public`) plus one GET per NIC or public IP
/// that lives outside the groups; see ``FleetLister``. A request that fails after its retries fails the
/// whole cycle (the loop keeps the last good snapshot). The token is cached across cycles.
///
/// The identity needs the Reader role (or the `read` actions of VMs, NICs, scale sets, their instances and
/// NICs, and public IPs) on the subscription, or — with `azure.resource_groups` — on those groups only
/// (Resource Graph answers with what it may read; see the README's permission table).
public struct AzureProvider: Provider {
    public let name: String
    public let subscriptionID: String
    let lister: FleetLister
    let join: FleetJoin
    let logger: Logger
    /// Power states of the last successful fetch, for VMs the next power-state list misses.
    private let lastPowerStates = PowerStateMemory()

    /// One provider per configured subscription, sharing one credential (and so one cached token).
    ///
    /// - Parameter transport: how requests are sent; by default async-http-client, trusting
    ///   `caFile` in addition to the system roots.
    public static func make(
        _ configuration: AzureProviderConfiguration,
        transport: (any HTTPTransport)? = nil,
        logger: Logger = Logger(label: "discoveryd.azure")
    ) throws -> [AzureProvider] {
        try configuration.validate()
        let transport = try transport ?? AzureProviderError.mappingTransportErrors {
            try AsyncHTTPTransport.make(trust: TLSTrust(caFile: configuration.caFile), configurationKey: "azure.ca_file")
        }
        let credential = try CredentialFactory.make(configuration, transport: transport, logger: logger)
        return configuration.subscriptionIDs.map { subscriptionID in
            AzureProvider(
                subscriptionID: subscriptionID,
                configuration: configuration,
                transport: transport,
                credential: credential,
                logger: logger
            )
        }
    }

    init(
        subscriptionID: String,
        configuration: AzureProviderConfiguration,
        transport: any HTTPTransport,
        credential: any TokenCredential,
        logger: Logger
    ) {
        self.name = "azure:\(subscriptionID)"
        self.subscriptionID = subscriptionID
        var logger = logger
        logger[metadataKey: "provider"] = "azure:\(subscriptionID)"
        self.logger = logger
        let client = ARMClient(
            resourceManager: configuration.cloud.resourceManager,
            transport: transport,
            credential: credential,
            retry: configuration.retry,
            timeout: configuration.requestTimeout,
            logger: logger
        )
        self.lister = FleetLister(
            client: client,
            subscriptionID: subscriptionID,
            resourceGroups: configuration.resourceGroups,
            wantsPublicAddresses: configuration.address == .public,
            scaleSetTag: configuration.tagNames.serviceName,
            concurrency: configuration.maximumConcurrentRequests,
            logger: logger
        )
        self.join = FleetJoin(addressPreference: configuration.address)
    }

    public func fetchInstances() async throws -> [Instance] {
        let snapshot = try await lister.snapshot()
        let scaleSets = (listed: snapshot.scaleSets.count, uniformListed: snapshot.uniformScaleSets.count)
        var join = self.join
        join.previousStates = lastPowerStates.states.withLock { $0 }
        // Handed over, not shared: the join drops each list once it has read it.
        let result = join.join(consume snapshot)
        lastPowerStates.states.withLock { states in
            states = Dictionary(result.instances.map { ($0.id, $0.state) }, uniquingKeysWith: { first, _ in first })
        }
        log(result, scaleSets: scaleSets)
        return result.instances
    }

    private func log(_ result: FleetJoin.Result, scaleSets: (listed: Int, uniformListed: Int)) {
        let notServable = Set(result.notes.map(\.instanceID))
        var counts: [String: Int] = [:]
        for note in result.notes { counts[note.reason.category, default: 0] += 1 }
        logger.debug(
            "azure: listed instances",
            metadata: [
                "instances": "\(result.instances.count)",
                "servable": "\(result.instances.count - notServable.count)",
                "skipped": "\(notServable.count)",
                "skipped_by_reason": "\(counts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","))",
                "scale_sets": "\(scaleSets.listed)",
                "uniform_scale_sets_listed": "\(scaleSets.uniformListed)",
            ]
        )
        guard logger.logLevel <= .debug else { return }
        for note in result.notes {
            logger.debug("azure: instance skipped", metadata: ["instance": "\(note.instanceID)", "reason": "\(note.reason)"])
        }
    }
}

/// The power states of one provider's last successful fetch (a provider is a value; its memory is shared).
private final class PowerStateMemory: Sendable {
    let states = Mutex<[InstanceID: InstanceState]>([:])
}
