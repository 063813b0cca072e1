import Foundation
import NIOSSL
import ProviderKit

extension HAProxySection {
    /// What `--validate` can check of the `haproxy:` section on this machine: the CA file is read as PEM
    /// (Data Plane API over TLS), and the runtime socket path is looked for. A missing socket is only
    /// noted: HAProxy may simply not be running yet.
    static func localChecks(_ section: HAProxySection?, usesRuntimeAPI: Bool) -> [LocalCheck] {
        guard let section else { return [] }
        var checks: [LocalCheck] = []
        if usesRuntimeAPI, case .unix(let path)? = section.runtimeSocket {
            let subject = "runtime socket \(path)"
            if FileManager.default.fileExists(atPath: path) {
                checks.append(LocalCheck(subject, .passed, "exists"))
            } else {
                checks.append(
                    LocalCheck(
                        subject,
                        .noted,
                        "does not exist yet (is HAProxy running with \"stats socket \(path) level admin\"?)"
                    )
                )
            }
        }
        if !usesRuntimeAPI, let caFile = section.caFile {
            let subject = "haproxy.ca_file \(caFile)"
            do {
                let certificates = try NIOSSLCertificate.fromPEMFile(caFile)
                checks.append(
                    certificates.isEmpty
                        ? LocalCheck(subject, .failed, "contains no PEM certificate; point it at a PEM CA bundle")
                        : LocalCheck(subject, .passed, "\(certificates.count) PEM certificate\(certificates.count == 1 ? "" : "s")")
                )
            } catch {
                checks.append(
                    LocalCheck(subject, .failed, "cannot be read as PEM certificates; give the path of a PEM CA bundle")
                )
            }
        }
        return checks
    }
}
