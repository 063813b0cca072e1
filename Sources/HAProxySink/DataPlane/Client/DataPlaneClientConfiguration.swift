import Foundation

/// How to reach one Data Plane API.
public struct DataPlaneClientConfiguration: Hashable, Sendable {
    /// Scheme, host and port, e.g. `http://127.0.0.1:5555`. The `/v2` or `/v3` base path is added from
    /// ``apiVersion``; a base URL that already ends with it is accepted too.
    public var baseURL: String
    public var apiVersion: DataPlaneAPIVersion
    public var username: String?
    /// Never logged: ``description`` masks it.
    public var password: String?
    /// Per request, connect to last byte.
    public var timeout: Duration
    /// Verify the server certificate (the default). Turn off only for a lab.
    public var verifySSL: Bool
    /// An extra PEM file of trusted CAs, for a Data Plane API behind a private CA.
    public var caFile: String?

    public init(
        baseURL: String = "http://127.0.0.1:5555",
        apiVersion: DataPlaneAPIVersion = .v3,
        username: String? = nil,
        password: String? = nil,
        timeout: Duration = .seconds(10),
        verifySSL: Bool = true,
        caFile: String? = nil
    ) {
        self.baseURL = baseURL
        self.apiVersion = apiVersion
        self.username = username
        self.password = password
        self.timeout = timeout
        self.verifySSL = verifySSL
        self.caFile = caFile
    }

    /// The URL every path is appended to, ending in `/v2` or `/v3`.
    func apiRoot() throws -> String {
        var root = baseURL
        while root.hasSuffix("/") { root.removeLast() }
        guard let url = URL(string: root), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
            url.host != nil
        else {
            throw DataPlaneError(
                code: .invalidConfiguration,
                message: "haproxy.base_url '\(baseURL)' is not an http(s) URL; use e.g. http://127.0.0.1:5555"
            )
        }
        if !root.hasSuffix(apiVersion.basePath) { root += apiVersion.basePath }
        return root
    }

    var usesTLS: Bool { baseURL.lowercased().hasPrefix("https:") }
}

extension DataPlaneClientConfiguration: CustomStringConvertible {
    public var description: String {
        "\(baseURL) (\(apiVersion), user \(username ?? "-"), password \(password == nil ? "-" : "***"), "
            + "verify_ssl \(verifySSL)\(caFile.map { ", ca_file \($0)" } ?? ""))"
    }
}
