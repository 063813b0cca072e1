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

    /// Lists each provider's instances once, then has the sink read its target by planning what it would do
    /// for them (planning writes nothing, by the ``ChangePlanningSink`` contract): an apply that would fail
    /// now, such as a backend HAProxy lacks, is a failed sink line, as `discoveryd plan` exits 1 for it. When a
    /// provider failed, the sink is only read (an empty catalog). Never throws: a failure is a result line.
    public func run() async -> [Result] {
        var results: [Result] = []
        var instances: [Instance]? = []
        do {
            for provider in try assembly.makeProviders() {
                do {
                    let listed = try await provider.fetchInstances()
                    instances?.append(contentsOf: listed)
                    let noun = listed.count == 1 ? "instance" : "instances"
                    results.append(Result(subject: "provider \(provider.name)", succeeded: true, detail: "listed \(listed.count) \(noun)"))
                } catch {
                    instances = nil
                    results.append(Result(subject: "provider \(provider.name)", succeeded: false, detail: "\(error)"))
                }
            }
        } catch {
            instances = nil
            results.append(Result(subject: "providers", succeeded: false, detail: "\(error)"))
        }
        results.append(await checkSink(planning: instances.map { assembly.grouper.group($0).catalog } ?? ServiceCatalog()))
        return results
    }

    private func checkSink(planning catalog: ServiceCatalog) async -> Result {
        let subject = "sink \(assembly.configuration.sink.name)"
        do {
            guard let sink = try assembly.makeSink() as? any ChangePlanningSink else {
                return Result(subject: subject, succeeded: true, detail: "cannot be tried read-only; skipped")
            }
            let plan = try await sink.planChanges(for: catalog)
            if plan.applyWouldFail {
                return Result(
                    subject: subject,
                    succeeded: false,
                    detail: "answered, but applying the instances listed above would fail (read its backends, wrote "
                        + "nothing); `discoveryd plan` shows why and what to change"
                )
            }
            return Result(subject: subject, succeeded: true, detail: "answered (read its backends, wrote nothing)")
        } catch {
            return Result(subject: subject, succeeded: false, detail: "\(error)")
        }
    }
}
