import Foundation

/// Messages for the operator that are not command output: stdout stays clean for pipes.
enum StandardError {
    static func print(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
