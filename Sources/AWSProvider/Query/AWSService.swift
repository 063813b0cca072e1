import Foundation

/// An AWS Query-protocol service this provider calls: how it is signed, versioned, found and permitted.
struct AWSService: Sendable, Hashable {
    /// The SigV4 signing name and the IAM action prefix (`ec2`, `autoscaling`, `sts`).
    var signingName: String
    var apiVersion: String
    /// The endpoint prefix in `https://PREFIX.REGION.amazonaws.com`.
    var endpointPrefix: String
    /// The service-specific endpoint variable's suffix (`AWS_ENDPOINT_URL_<suffix>`).
    var endpointVariableSuffix: String

    static let ec2 = AWSService(signingName: "ec2", apiVersion: "2016-11-15", endpointPrefix: "ec2", endpointVariableSuffix: "EC2")
    static let autoScaling = AWSService(
        signingName: "autoscaling", apiVersion: "2011-01-01", endpointPrefix: "autoscaling", endpointVariableSuffix: "AUTO_SCALING"
    )
    static let sts = AWSService(signingName: "sts", apiVersion: "2011-06-15", endpointPrefix: "sts", endpointVariableSuffix: "STS")

    /// `ec2:DescribeInstances`: the IAM action a call needs.
    func iamAction(_ action: String) -> String { "\(signingName):\(action)" }

    /// The regional endpoint: `amazonaws.com`, or `amazonaws.com.cn` in the China partition.
    func defaultEndpoint(region: String) -> URL {
        let domain = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
        return URL(string: "https://\(endpointPrefix).\(region).\(domain)")!
    }
}
