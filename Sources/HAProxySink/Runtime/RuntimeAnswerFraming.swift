/// How the answers to several commands sent on one line are told apart.
///
/// Outside prompt mode HAProxy ends each command's answer with one empty line (`src/cli.c`, state
/// `CLI_ST_PROMPT` prints "\n"), and an answer that is not empty ends with its own newline. So the byte
/// stream for `a; b; c` is `answer(a) "\n" answer(b) "\n" answer(c) "\n"`, and no answer to the commands
/// we send contains an empty line of its own.
enum RuntimeAnswerFraming {
    /// The connection's whole output, split into one answer per command (without trailing newlines).
    static func split(_ output: String, commandCount: Int) -> [String]? {
        if commandCount == 1 {
            // A single answer may be data with blank lines in it; it ends at the end of the stream.
            var answer = Substring(output)
            while answer.hasSuffix("\n") { answer.removeLast() }
            return [String(answer)]
        }
        var lines = output.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        var answers: [String] = []
        var current: [Substring] = []
        for line in lines {
            if line.isEmpty {
                answers.append(current.joined(separator: "\n"))
                current = []
            } else {
                current.append(line)
            }
        }
        guard current.isEmpty, answers.count == commandCount else { return nil }
        return answers
    }
}
