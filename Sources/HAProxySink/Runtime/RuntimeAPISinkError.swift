import ProviderKit

/// Why the Runtime API sink could not converge HAProxy, beyond a failed command (``RuntimeAPIError``).
///
/// An extensible error struct: match on ``code``; ``description`` is what the user reads.
public struct RuntimeAPISinkError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable { case missingBackends }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// HAProxy has no backend for one or more services; the Runtime API cannot create backends.
        public static let missingBackends = Code(.missingBackends)

        public var description: String { "\(base)" }
    }

    public var code: Code
    /// The backends HAProxy lacks, with the service each is for.
    public var missingBackends: [MissingBackend]
    /// The haproxy.cfg text the user must add (then reload HAProxy once).
    public var configurationLines: [String]

    public struct MissingBackend: Hashable, Sendable {
        public var backendName: String
        public var serviceKey: ServiceKey?
    }

    public var description: String {
        let names = missingBackends.map { backend in
            backend.serviceKey.map { "\(backend.backendName) (service \($0))" } ?? backend.backendName
        }
        return """
            HAProxy has no backend \(names.joined(separator: ", ")). The Runtime API cannot create backends: \
            add these lines to haproxy.cfg and reload HAProxy once (the other services are kept up to date \
            meanwhile):

            \(configurationLines.joined(separator: "\n"))
            """
    }

    /// The error for `backends`, with configuration lines that match what the sink expects: `srvN` slots
    /// from a `server-template` at the placeholder address, in maintenance, with the servers' weight.
    static func missing(_ backends: [BackendPlan], settings: HAProxySinkSettings) -> Self {
        var lines: [String] = []
        for backend in backends {
            if !lines.isEmpty { lines.append("") }
            lines += [
                "backend \(backend.backendName)",
                "    mode \(settings.mode.rawValue)",
                "    balance \(settings.balance)",
                "    server-template \(SlotName.prefix) \(settings.slotPolicy.base) "
                    + "\(ServerState.placeholderAddress):\(ServerState.placeholderPort) disabled check "
                    + "weight \(settings.serverSettings.weight)",
            ]
        }
        return RuntimeAPISinkError(
            code: .missingBackends,
            missingBackends: backends.map { MissingBackend(backendName: $0.backendName, serviceKey: $0.serviceKey) },
            configurationLines: lines
        )
    }
}
