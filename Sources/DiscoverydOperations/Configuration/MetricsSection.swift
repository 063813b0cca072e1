import Foundation
import ProviderKit

/// `metrics:` — the operations listener that serves `/metrics`, `/healthz` and `/readyz`.
///
/// Keys (defaults in brackets): `listen` [`127.0.0.1:9612`]: `host:port` or `[v6]:port` to bind, or `""` to
/// turn the listener off.
public struct MetricsSection: Hashable, Sendable, Decodable {
    public var settings = OperationsSettings()

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case listen
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.strictContainer(keyedBy: CodingKeys.self)
        let listen = try container.decode(
            String.self,
            forKey: .listen,
            default: OperationsSettings.defaultListen.description
        )
        if listen.trimmingCharacters(in: .whitespaces).isEmpty {
            settings.metricsListen = nil
            return
        }
        do {
            settings.metricsListen = try ListenAddress(parsing: listen)
        } catch {
            throw ConfigurationError.invalidValue(
                at: container.codingPath + [CodingKeys.listen],
                value: "\"\(listen)\"",
                expected: "host:port (e.g. 127.0.0.1:9612 or [::1]:9612), or \"\" to turn the listener off"
            )
        }
    }
}
