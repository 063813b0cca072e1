import Foundation
import HTTPSupport
import Logging
import ProviderKit

/// Azure VMs and VM scale-set instances of one subscription, read over the ARM REST API.
///
/// A cycle costs a fixed number of bulk lists — about `4 + 2 × (tagged Uniform scale sets)` plus extra
/// pages (`+1 + 1 × tagged Uniform scale sets` with `address: public`) — however many machines there
/// are; see ``FleetLister``. A list that fails after its retries fails the whole cycle (the loop keeps
/// the last good snapshot). The token is cached across cycles and refreshed shortly before it expires.
///
/// The identity needs read access to: `Microsoft.Compute/virtualMachines` (on the subscription: the bulk
/// power-state list is subscription-wide), `Microsoft.Network/networkInterfaces`,
/// `Microsoft.Compute/virtualMachineScaleSets`, `.../virtualMachineScaleSets/virtualMachines`,
/// `.../virtualMachineScaleSets/virtualMachines/networkInterfaces`, and with `address: public`
/// `Microsoft.Network/publicIPAddresses` and `.../virtualMachineScaleSets/publicIPAddresses`.
public struct AzureProvider: Provider {
    public let name: String
    public let subscriptionID: String
    let lister: FleetLister
    let join: FleetJoin
    let logger: Logger

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
            concurrency: configuration.maximumConcurrentRequests
        )
        self.join = FleetJoin(addressPreference: configuration.address)
    }

    public func fetchInstances() async throws -> [Instance] {
        let snapshot = try await lister.snapshot()
        let result = join.join(snapshot)
        log(result, snapshot: snapshot)
        return result.instances
    }

    private func log(_ result: FleetJoin.Result, snapshot: FleetSnapshot) {
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
                "scale_sets": "\(snapshot.scaleSets.count)",
                "uniform_scale_sets_listed": "\(snapshot.uniformScaleSets.count)",
            ]
        )
        guard logger.logLevel <= .debug else { return }
        for note in result.notes {
            logger.debug("azure: instance skipped", metadata: ["instance": "\(note.instanceID)", "reason": "\(note.reason)"])
        }
    }
}
