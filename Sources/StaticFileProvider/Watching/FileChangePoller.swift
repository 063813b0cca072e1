/// One poll of the watched file: stat it, and only when the stamp moved, read it and compare the content.
///
/// Touching the file, or an editor rewriting identical bytes, moves the stamp but is not a change.
struct FileChangePoller {
    let path: String
    let lastSeen: LastSeenContent
    private var lastStamp: FileStamp??

    init(path: String, lastSeen: LastSeenContent) {
        self.path = path
        self.lastSeen = lastSeen
    }

    /// The outcome of one poll, for logging and tests.
    enum Outcome: Equatable {
        case unchanged
        /// The stamp moved but the bytes are the same.
        case touched
        case changed
    }

    mutating func poll() -> Outcome {
        let stamp = FileStamp.current(atPath: path)
        if let lastStamp, lastStamp == stamp {
            return .unchanged
        }
        // Stamp before reading: a write racing with this read moves the stamp again, so the next poll rereads.
        lastStamp = .some(stamp)
        return lastSeen.replace(with: ObservedContent.read(atPath: path)) ? .changed : .touched
    }
}
