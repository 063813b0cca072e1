import HAProxySink

extension HAProxyProcess {
    /// Every server of every backend as `backend/server → address:port weight W [maint]`, from
    /// `show servers state`: what a test compares to prove that nothing was written. Health-check state is
    /// left out, since it changes on its own.
    public func serverStates() async throws -> [String: String] {
        let servers = try ServersStateParser.parse(try await runtime.query(.showServersState))
        var result: [String: String] = [:]
        for server in servers {
            result["\(server.backendName)/\(server.serverName)"] =
                "\(server.address):\(server.port) weight \(server.weight)\(server.isInMaintenance ? " maint" : "")"
        }
        return result
    }

    /// Sends one Runtime API command as an operator would by hand (`set server …`), and returns the answer.
    @discardableResult
    public func send(_ command: String) async throws -> String {
        try await runtime.query(RuntimeCommand(command, acceptance: .anyAnswer))
    }
}
