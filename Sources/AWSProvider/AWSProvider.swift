import Foundation
import HTTPSupport
import Logging
import ProviderKit

/// EC2 instances and Auto Scaling group members of one region, read over the EC2 and Auto Scaling Query APIs.
///
/// A cycle costs pages of `DescribeInstances` + pages of `DescribeAutoScalingGroups` + one request per
/// 1,000 group members that lack the tag themselves (see ``FleetLister``), however many instances there are.
/// Any request that still fails after the retries fails the whole fetch, and the loop keeps the last good
/// snapshot.
///
/// The identity needs `ec2:DescribeInstances` and `autoscaling:DescribeAutoScalingGroups` (plus
/// `sts:AssumeRole`/`sts:AssumeRoleWithWebIdentity` on the role when a role is assumed).
public struct AWSProvider: Provider {
    public let name: String
    public let region: String
    var lister: FleetLister
    let join: FleetJoin
    let logger: Logger

    /// One provider per region, sharing one credential chain (and so one cached set of temporary keys).
    public static func make(
        _ configuration: AWSProviderConfiguration,
        transport: (any HTTPTransport)? = nil,
        logger: Logger = Logger(label: "discoveryd.aws")
    ) throws -> [AWSProvider] {
        try configuration.validate()
        let regions = try configuration.resolvedRegions()
        let transport = try transport ?? AsyncHTTPTransport.make(configurationKey: "aws")
        let credentials = try CredentialChainFactory(
            configuration: configuration, region: regions[0], transport: transport, logger: logger
        ).make()
        return try regions.map { region in
            try AWSProvider(region: region, configuration: configuration, transport: transport, credentials: credentials, logger: logger)
        }
    }

    init(
        region: String,
        configuration: AWSProviderConfiguration,
        transport: any HTTPTransport,
        credentials: any AWSCredentialProvider,
        logger: Logger
    ) throws {
        self.name = "aws:\(region)"
        self.region = region
        var logger = logger
        logger[metadataKey: "provider"] = "aws:\(region)"
        if let accountID = configuration.accountID { logger[metadataKey: "account_id"] = "\(accountID)" }
        self.logger = logger
        func client(_ service: AWSService) throws -> QueryClient {
            QueryClient(
                service: service, region: region, endpoint: try configuration.endpoint(for: service, region: region),
                transport: transport, credentials: credentials, retry: configuration.retry,
                timeout: configuration.requestTimeout, logger: logger
            )
        }
        self.lister = FleetLister(
            ec2: try client(.ec2), autoScaling: try client(.autoScaling),
            serviceTag: configuration.tagNames.serviceName, concurrency: configuration.maximumConcurrentRequests
        )
        self.join = FleetJoin(region: region, address: configuration.address)
    }

    public func fetchInstances() async throws -> [Instance] {
        let snapshot = try await lister.snapshot()
        let instances = join.join(snapshot)
        logger.debug(
            "aws: listed instances",
            metadata: [
                "instances": "\(instances.count)",
                "running": "\(instances.filter { $0.state == .running }.count)",
                "groups": "\(snapshot.groups.count)",
                "group_members": "\(instances.filter { $0.sourceKind == "aws-asg" }.count)",
            ]
        )
        return instances
    }
}
