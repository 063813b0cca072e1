import NIOCore
import NIOPosix

/// Talks to HAProxy's Runtime API over a unix or TCP stats socket (`level admin`).
///
/// Each call opens one connection outside prompt mode, writes one line, reads until HAProxy closes the
/// connection, and closes. Several commands go on one line separated by `;`, which HAProxy runs in
/// order; lines are kept short so they fit HAProxy's buffer (`tune.bufsize`, 16 kB by default).
public struct RuntimeAPIClient: Sendable {
    public let endpoint: RuntimeAPIEndpoint
    /// Upper bound for one connection: connect, write, and the whole answer.
    public var timeout: Duration
    private let eventLoopGroup: any EventLoopGroup

    /// Lines longer than this are split over several connections.
    static let maximumLineLength = 4096
    /// An answer larger than this is not from a sane HAProxy (100 000 servers is ~20 MB).
    static let maximumAnswerBytes = 64 << 20

    public init(
        endpoint: RuntimeAPIEndpoint,
        timeout: Duration = .seconds(10),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.endpoint = endpoint
        self.timeout = timeout
        self.eventLoopGroup = eventLoopGroup
    }

    /// Runs `commands` in order and checks every answer; throws on the first rejected command.
    ///
    /// Returns the answers, in order. Commands after a rejected one in the same line have run too
    /// (HAProxy does not stop), which is harmless because every command we send is idempotent and the
    /// next cycle compares with the actual state again.
    @discardableResult
    public func run(_ commands: [RuntimeCommand]) async throws -> [String] {
        var answers: [String] = []
        answers.reserveCapacity(commands.count)
        for batch in try Self.batches(commands) {
            let line = batch.map(\.text).joined(separator: "; ")
            let output = try await exchange(line)
            guard let batchAnswers = RuntimeAnswerFraming.split(output, commandCount: batch.count) else {
                throw RuntimeAPIError(
                    code: .malformedResponse,
                    endpoint: endpoint.description,
                    command: line,
                    message: "expected \(batch.count) answers, got: \(output.prefix(500).debugDescription)"
                )
            }
            for (command, answer) in zip(batch, batchAnswers) where !command.accepts(answer) {
                throw RuntimeAPIError(
                    code: .commandRejected,
                    endpoint: endpoint.description,
                    command: command.text,
                    message: answer.isEmpty ? "HAProxy gave no answer" : answer
                )
            }
            answers += batchAnswers
        }
        return answers
    }

    /// Runs one query and returns its answer.
    public func query(_ command: RuntimeCommand) async throws -> String {
        try await run([command])[0]
    }

    /// Groups commands into lines no longer than ``maximumLineLength``.
    static func batches(_ commands: [RuntimeCommand]) throws(RuntimeAPIError) -> [[RuntimeCommand]] {
        var batches: [[RuntimeCommand]] = []
        var current: [RuntimeCommand] = []
        var length = 0
        for command in commands {
            if command.text.contains(where: { $0 == ";" || $0 == "\n" || $0 == "\r" || $0 == "\\" }) {
                throw RuntimeAPIError(
                    code: .invalidCommand,
                    command: command.text,
                    message: "an argument contains ';', '\\' or a line break, which the Runtime API would misread"
                )
            }
            let added = command.text.utf8.count + 2
            if !current.isEmpty && length + added > maximumLineLength {
                batches.append(current)
                current = []
                length = 0
            }
            current.append(command)
            length += added
        }
        if !current.isEmpty { batches.append(current) }
        return batches
    }

    /// One connection: write `line`, read everything until HAProxy closes.
    private func exchange(_ line: String) async throws -> String {
        let endpoint = self.endpoint
        let group = self.eventLoopGroup
        let timeout = self.timeout
        return try await withThrowingTaskGroup(of: String?.self) { tasks in
            tasks.addTask {
                try await Self.exchange(line, endpoint: endpoint, group: group, timeout: timeout)
            }
            tasks.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { tasks.cancelAll() }
            guard let first = try await tasks.next(), let output = first else {
                throw RuntimeAPIError(
                    code: .timedOut,
                    endpoint: endpoint.description,
                    command: line,
                    message: "no complete answer within \(timeout)"
                )
            }
            return output
        }
    }

    private static func exchange(
        _ line: String,
        endpoint: RuntimeAPIEndpoint,
        group: any EventLoopGroup,
        timeout: Duration
    ) async throws -> String {
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(TimeAmount(timeout))
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            let initializer: @Sendable (any Channel) -> EventLoopFuture<NIOAsyncChannel<ByteBuffer, ByteBuffer>> = {
                channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
            switch endpoint {
            case .unixSocket(let path):
                channel = try await bootstrap.connect(unixDomainSocketPath: path, channelInitializer: initializer)
            case .tcp(let host, let port):
                channel = try await bootstrap.connect(host: host, port: port, channelInitializer: initializer)
            }
        } catch {
            throw RuntimeAPIError(
                code: .connectionFailed,
                endpoint: endpoint.description,
                message: """
                    cannot connect (\(error)). Is HAProxy running with 'stats socket \(endpoint.configurationHint) \
                    level admin' in its global section?
                    """
            )
        }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: line + "\n"))
            var received = ByteBuffer()
            for try await chunk in inbound {
                var chunk = chunk
                received.writeBuffer(&chunk)
                if received.readableBytes > maximumAnswerBytes {
                    throw RuntimeAPIError(
                        code: .malformedResponse,
                        endpoint: endpoint.description,
                        command: line,
                        message: "the answer is larger than \(maximumAnswerBytes) bytes"
                    )
                }
            }
            try Task.checkCancellation()
            return String(buffer: received)
        }
    }
}
