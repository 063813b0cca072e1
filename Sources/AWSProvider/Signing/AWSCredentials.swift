import Foundation

/// An access key pair, with a session token and an expiry when the keys are temporary.
///
/// `description` never shows the secret or the token: credentials can end up in a log line through string
/// interpolation, and they must not.
public struct AWSCredentials: Sendable, Hashable, CustomStringConvertible {
    public var accessKeyID: String
    public var secretAccessKey: String
    public var sessionToken: String?
    /// When temporary credentials stop working; nil for long-term keys.
    public var expiration: Date?

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil, expiration: Date? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
    }

    public var description: String {
        let expiry = expiration.map { ", expires \(ISO8601DateFormatter().string(from: $0))" } ?? ""
        return "AWS credentials \(accessKeyID) (secret redacted\(sessionToken == nil ? "" : ", session token redacted")\(expiry))"
    }
}
