import Foundation

/// The signed-in Azure CLI (`credential_type: azure_cli`): `az account get-access-token`.
///
/// Uses the v1 `--resource` form because older CLIs lack v2 scopes. Only the CLI's error output is
/// ever shown, never its standard output (it holds the token).
struct AzureCLISource: TokenSource {
    var kind: String { "AzureCLICredential" }
    var executable: String
    var resource: String
    var tenantID: String?
    var timeout: Duration = .seconds(20)

    var arguments: [String] {
        var arguments = ["account", "get-access-token", "--output", "json", "--resource", resource]
        if let tenantID { arguments += ["--tenant", tenantID] }
        return arguments
    }

    func fetchToken() async throws -> AccessToken {
        let result: ProcessOutput
        do {
            result = try await ProcessRunner.run(executable: executable, arguments: arguments, timeout: timeout)
        } catch {
            throw AzureProviderError(
                .credentialUnavailable,
                "\(kind): cannot run \(executable): \(ProcessRunner.launchFailure(of: executable)); is the Azure CLI installed?"
            )
        }
        guard result.status == 0 else {
            let reason = String(decoding: result.standardError, as: UTF8.self)
                .split(whereSeparator: \.isNewline).first.map(String.init) ?? "exit status \(result.status)"
            let code: AzureProviderError.Code = result.status == 127 ? .credentialUnavailable : .authenticationFailed
            throw AzureProviderError(code, "\(kind): az account get-access-token failed: \(reason)")
        }
        guard let answer = try? JSONDecoder().decode(CLIToken.self, from: Data(result.standardOutput)) else {
            throw AzureProviderError(.invalidResponse, "\(kind): az account get-access-token printed no JSON with accessToken")
        }
        guard let expiry = answer.expiry else {
            throw AzureProviderError(.invalidResponse, "\(kind): az account get-access-token printed no usable expiry")
        }
        return AccessToken(token: answer.accessToken, expiresOn: expiry)
    }

    /// `accessToken` plus `expires_on` (epoch seconds, newer CLIs) or `expiresOn` (local time).
    struct CLIToken: Decodable {
        var accessToken: String
        var expiresOnEpoch: FlexibleNumber?
        var expiresOnLocal: String?

        private enum CodingKeys: String, CodingKey {
            case accessToken
            case expiresOnEpoch = "expires_on"
            case expiresOnLocal = "expiresOn"
        }

        var expiry: Date? {
            if let seconds = expiresOnEpoch?.doubleValue { return Date(timeIntervalSince1970: seconds) }
            guard let expiresOnLocal else { return nil }
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = .current
            for format in ["yyyy-MM-dd HH:mm:ss.SSSSSS", "yyyy-MM-dd HH:mm:ss"] {
                formatter.dateFormat = format
                if let date = formatter.date(from: expiresOnLocal) { return date }
            }
            return nil
        }
    }
}

struct ProcessOutput: Sendable {
    var status: Int32
    var standardOutput: [UInt8]
    var standardError: [UInt8]
}

enum ProcessRunner {
    /// Runs `executable` (looked up on PATH unless it contains a `/`) and collects its output; the
    /// process is terminated when `timeout` passes or the task is cancelled. `environment` nil inherits ours.
    static func run(
        executable: String,
        arguments: [String],
        timeout: Duration,
        environment: [String: String]? = nil
    ) async throws -> ProcessOutput {
        let process = Process()
        if let environment { process.environment = environment }
        if executable.contains("/") {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [executable] + arguments
        }
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let processBox = ProcessBox(process)
        let watchdog = Task {
            try? await Task.sleep(for: timeout)
            if !Task.isCancelled { processBox.terminate() }
        }
        defer { watchdog.cancel() }
        return await withTaskCancellationHandler {
            async let standardOutput = Task.detached { output.fileHandleForReading.readDataToEndOfFile() }.value
            async let standardError = Task.detached { errors.fileHandleForReading.readDataToEndOfFile() }.value
            let (out, err) = await (standardOutput, standardError)
            await Task.detached { processBox.wait() }.value
            return ProcessOutput(status: processBox.status, standardOutput: Array(out), standardError: Array(err))
        } onCancel: {
            processBox.terminate()
        }
    }

    /// Why `executable` could not be started, in words. Foundation's own error text (`Error Domain=NSCocoaErrorDomain
    /// Code=4 …`) is not a sentence for an operator, so the file itself is examined instead.
    static func launchFailure(of executable: String) -> String {
        // A bare name runs through /usr/bin/env, whose "not found" is exit status 127, not a launch failure.
        let path = executable.contains("/") ? executable : "/usr/bin/env"
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return "no such file" }
        if isDirectory.boolValue { return "it is a directory" }
        guard FileManager.default.isExecutableFile(atPath: path) else { return "it is not executable (permission denied)" }
        return "it could not be started"
    }

    /// `Process` is thread-safe for these calls but not marked Sendable.
    final class ProcessBox: @unchecked Sendable {
        private let process: Process
        init(_ process: Process) { self.process = process }
        func terminate() { if process.isRunning { process.terminate() } }
        func wait() { process.waitUntilExit() }
        var status: Int32 { process.terminationStatus }
    }
}
