import Foundation
import NIOCore
import NIOPosix
import ProviderKit

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
    /// (HAProxy does not stop); use ``run(chains:)`` when a command must not run after another failed.
    @discardableResult
    public func run(_ commands: [RuntimeCommand]) async throws -> [String] {
        var answers: [String] = []
        answers.reserveCapacity(commands.count)
        for batch in try Self.batches(commands) {
            let batchAnswers = try await exchange(batch)
            for (command, answer) in zip(batch, batchAnswers) where !command.accepts(answer) {
                throw Self.rejection(of: command, answer: answer, endpoint: endpoint)
            }
            answers += batchAnswers
        }
        return answers
    }

    /// Runs chains of dependent commands: each chain's commands in order, and none after one of them was
    /// rejected (never `set server … state ready` for a slot whose `set server … addr` failed).
    ///
    /// Chains are independent of each other and advance together, one round per position, so a cycle costs
    /// as many connections as its longest chain has commands (at most four), not one per command.
    /// - Returns: The rejections by chain index (a chain with an unsafe argument is refused before anything
    ///   of it is sent); an empty dictionary when every command was accepted.
    /// - Throws: ``RuntimeAPIError`` when HAProxy cannot be reached or answers in a shape it never gives;
    ///   the chains' later commands are then not sent either.
    public func run(chains: [[RuntimeCommand]]) async throws -> [Int: RuntimeAPIError] {
        var failures: [Int: RuntimeAPIError] = [:]
        // A chain with an argument HAProxy would misread is refused whole; the others go ahead.
        for (index, chain) in chains.enumerated() {
            if let error = Self.unsafe(chain) { failures[index] = error }
        }
        var position = 0
        while true {
            let round = chains.indices.filter { failures[$0] == nil && position < chains[$0].count }
            guard !round.isEmpty else { break }
            var queue = round[...]
            for batch in try Self.batches(round.map { chains[$0][position] }) {
                let answers = try await exchange(batch)
                for (command, answer) in zip(batch, answers) {
                    let chain = queue.removeFirst()
                    if !command.accepts(answer) {
                        failures[chain] = Self.rejection(of: command, answer: answer, endpoint: endpoint)
                    }
                }
            }
            position += 1
        }
        return failures
    }

    /// Runs one query and returns its answer.
    public func query(_ command: RuntimeCommand) async throws -> String {
        try await run([command])[0]
    }

    /// Groups commands into lines no longer than ``maximumLineLength``.
    static func batches(_ commands: [RuntimeCommand]) throws(RuntimeAPIError) -> [[RuntimeCommand]] {
        if let error = unsafe(commands) { throw error }
        var batches: [[RuntimeCommand]] = []
        var current: [RuntimeCommand] = []
        var length = 0
        for command in commands {
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

    /// The error for the first command with an argument HAProxy would misread, if any.
    private static func unsafe(_ commands: [RuntimeCommand]) -> RuntimeAPIError? {
        for command in commands {
            if let word = command.unsafeWord {
                return RuntimeAPIError(
                    code: .invalidCommand,
                    command: command.description,
                    message: "the argument \"\(UntrustedText.escaped(word, limit: 100))\" is empty or contains "
                        + "whitespace, a NUL or control character, ';' or '\\', which the Runtime API would misread; "
                        + "nothing of it was sent"
                )
            }
        }
        return nil
    }

    private static func rejection(of command: RuntimeCommand, answer: String, endpoint: RuntimeAPIEndpoint)
        -> RuntimeAPIError
    {
        RuntimeAPIError(
            code: .commandRejected,
            endpoint: endpoint.description,
            command: command.description,
            message: answer.allSatisfy(\.isWhitespace)
                ? "HAProxy gave no answer" : UntrustedText.escaped(answer.trimmingCharacters(in: .newlines), limit: 500)
        )
    }

    /// One line of commands on one connection, split into one answer per command.
    private func exchange(_ batch: [RuntimeCommand]) async throws -> [String] {
        let line = batch.map(\.text).joined(separator: "; ")
        let output = try await exchange(line)
        guard let answers = RuntimeAnswerFraming.split(output, commandCount: batch.count) else {
            throw RuntimeAPIError(
                code: .malformedResponse,
                endpoint: endpoint.description,
                command: UntrustedText.escaped(line, limit: 500),
                message: "expected \(batch.count) answers, got: \(UntrustedText.escaped(output, limit: 500))"
            )
        }
        return answers
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
                    message: "no complete answer within \(RuntimeAPIError.readable(timeout)); is HAProxy overloaded?"
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
            throw RuntimeAPIError.cannotConnect(to: endpoint, because: error)
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
