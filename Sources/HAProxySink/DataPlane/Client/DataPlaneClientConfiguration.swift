import Foundation
import ProviderKit

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
    /// Allow plain `http://` with credentials to an API that is not on a loopback address
    /// (`haproxy.allow_insecure_http`). Off by default: the password would cross the network in clear.
    public var allowInsecureHTTP: Bool

    public init(
        baseURL: String = "http://127.0.0.1:5555",
        apiVersion: DataPlaneAPIVersion = .v3,
        username: String? = nil,
        password: String? = nil,
        timeout: Duration = .seconds(10),
        verifySSL: Bool = true,
        caFile: String? = nil,
        allowInsecureHTTP: Bool = false
    ) {
        self.baseURL = baseURL
        self.apiVersion = apiVersion
        self.username = username
        self.password = password
        self.timeout = timeout
        self.verifySSL = verifySSL
        self.caFile = caFile
        self.allowInsecureHTTP = allowInsecureHTTP
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
                message: "haproxy.base_url '\(redactedBaseURL)' is not an http(s) URL; use e.g. http://127.0.0.1:5555"
            )
        }
        if !root.hasSuffix(apiVersion.basePath) { root += apiVersion.basePath }
        return root
    }

    var usesTLS: Bool { baseURL.lowercased().hasPrefix("https:") }

    /// ``baseURL`` with any user info (`admin:S3cr3t@`) replaced by `***@`: what logs, errors and `plan` show.
    public var redactedBaseURL: String { Self.redacting(baseURL) }

    /// `url` with the user info of its authority masked; any other text unchanged.
    public static func redacting(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let authorityStart = schemeEnd.upperBound
        let authorityEnd = url[authorityStart...].firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? url.endIndex
        guard let at = url[authorityStart..<authorityEnd].lastIndex(of: "@") else { return url }
        return String(url[..<authorityStart]) + "***" + String(url[at...])
    }

    /// Whether the API's host is a loopback address or `localhost`, where plain http never leaves the machine.
    var isLoopback: Bool {
        guard let host = URL(string: baseURL)?.host?.lowercased() else { return false }
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return bare == "localhost" || bare == "::1" || (IPAddressLiteral.isIPv4(bare) && bare.hasPrefix("127."))
    }

    /// The error for plain http with credentials to a host that is not loopback, unless allowed.
    public var insecureTransportRefusal: DataPlaneError? {
        guard !usesTLS, !isLoopback, !allowInsecureHTTP, username != nil || password != nil else { return nil }
        return DataPlaneError(
            code: .invalidConfiguration,
            message: "haproxy.base_url '\(redactedBaseURL)' is plain http to a host that is not loopback, so the "
                + "Data Plane API password would cross the network in clear; use https://, or set "
                + "haproxy.allow_insecure_http: true if the network is trusted"
        )
    }

    /// What deserves one warning at start: TLS verification turned off.
    public var transportWarnings: [String] {
        var warnings: [String] = []
        if usesTLS && !verifySSL {
            warnings.append(
                "haproxy.verify_ssl is false: the Data Plane API's certificate is not checked, so anyone on the "
                    + "path can read the password and change HAProxy; use haproxy.ca_file instead where possible"
            )
        }
        if !usesTLS && !isLoopback && allowInsecureHTTP {
            warnings.append(
                "haproxy.allow_insecure_http is true: the Data Plane API password crosses the network in clear "
                    + "to \(redactedBaseURL)"
            )
        }
        return warnings
    }
}

extension DataPlaneClientConfiguration: CustomStringConvertible {
    public var description: String {
        "\(redactedBaseURL) (\(apiVersion), user \(username ?? "-"), password \(password == nil ? "-" : "***"), "
            + "verify_ssl \(verifySSL)\(caFile.map { ", ca_file \($0)" } ?? ""))"
    }
}
