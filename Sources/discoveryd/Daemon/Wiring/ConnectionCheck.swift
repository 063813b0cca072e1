import ProviderKit

/// `discoveryd --validate --connect`: each provider and the sink tried once, read-only, one result each.
public struct ConnectionCheck {
    public struct Result: Sendable, CustomStringConvertible {
        public var subject: String
        public var succeeded: Bool
        public var detail: String

        public var description: String { "\(subject): \(succeeded ? "" : "failed: ")\(detail)" }
    }

    public var assembly: DaemonAssembly

    public init(assembly: DaemonAssembly) {
        self.assembly = assembly
    }

    /// Lists each provider's instances once, then has the sink read its target by planning an empty
    /// catalog (planning writes nothing, by the ``ChangePlanningSink`` contract). Never throws: a failure
    /// is a result line.
    public func run() async -> [Result] {
        var results: [Result] = []
        do {
            for provider in try assembly.makeProviders() {
                do {
                    let instances = try await provider.fetchInstances()
                    results.append(Result(subject: "provider \(provider.name)", succeeded: true, detail: "listed \(instances.count) instances"))
                } catch {
                    results.append(Result(subject: "provider \(provider.name)", succeeded: false, detail: "\(error)"))
                }
            }
        } catch {
            results.append(Result(subject: "providers", succeeded: false, detail: "\(error)"))
        }
        let subject = "sink \(assembly.configuration.sink.name)"
        do {
            guard let sink = try assembly.makeSink() as? any ChangePlanningSink else {
                results.append(Result(subject: subject, succeeded: true, detail: "cannot be tried read-only; skipped"))
                return results
            }
            _ = try await sink.planChanges(for: ServiceCatalog())
            results.append(Result(subject: subject, succeeded: true, detail: "answered (read its backends, wrote nothing)"))
        } catch {
            results.append(Result(subject: subject, succeeded: false, detail: "\(error)"))
        }
        return results
    }
}
