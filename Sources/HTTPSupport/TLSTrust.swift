import Foundation
import NIOSSL

/// Which servers an HTTP client trusts: the system roots plus an optional PEM CA file, with certificate
/// verification on unless the configuration turns it off.
public struct TLSTrust: Hashable, Sendable {
    /// A PEM file of extra trusted CA certificates.
    public var caFile: String?
    /// Verify the server certificate (the default). Turn off only for a lab.
    public var verifiesCertificates: Bool

    public init(caFile: String? = nil, verifiesCertificates: Bool = true) {
        self.caFile = caFile
        self.verifiesCertificates = verifiesCertificates
    }

    /// Whether the system defaults serve (no CA file, verification on).
    public var isSystemDefault: Bool { caFile == nil && verifiesCertificates }

    /// The NIOSSL client configuration for this trust. Throws ``HTTPTransportError/Code/invalidCAFile``,
    /// naming `configurationKey` (e.g. `haproxy.ca_file`), when the CA file is unreadable or holds no certificate.
    public func tlsConfiguration(configurationKey: String) throws -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = verifiesCertificates ? .fullVerification : .none
        if let caFile {
            configuration.additionalTrustRoots = [
                .certificates(try Self.certificates(inPEMFile: caFile, configurationKey: configurationKey))
            ]
        }
        return configuration
    }

    static func certificates(inPEMFile path: String, configurationKey: String) throws -> [NIOSSLCertificate] {
        switch Self.readCertificates(inPEMFile: path) {
        case .success(let certificates): return certificates
        case .failure(let problem): throw HTTPTransportError(.invalidCAFile, "\(configurationKey): \(path) \(problem.text)")
        }
    }

    /// What is wrong with a CA file, as the end of a sentence that starts with its key and path (for a check list
    /// that names them already); nil when it holds PEM certificates.
    public static func problem(withCAFile path: String) -> String? {
        if case .failure(let problem) = readCertificates(inPEMFile: path) { return problem.text }
        return nil
    }

    private struct CAFileProblem: Error {
        var text: String
    }

    private static func readCertificates(inPEMFile path: String) -> Result<[NIOSSLCertificate], CAFileProblem> {
        guard FileManager.default.isReadableFile(atPath: path) else {
            return .failure(CAFileProblem(text: "cannot be read; give the path of a PEM file of CA certificates"))
        }
        let certificates = try? NIOSSLCertificate.fromPEMFile(path)
        guard let certificates, !certificates.isEmpty else {
            return .failure(CAFileProblem(text: "contains no PEM certificate; give the path of a PEM file of CA certificates"))
        }
        return .success(certificates)
    }
}
