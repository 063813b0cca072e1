/// Finds the valid key a user probably meant, for "did you mean" hints.
enum KeySuggestion {
    /// The closest key by edit distance, if it is close enough to be a plausible typo.
    static func closest(to key: String, among candidates: [String]) -> String? {
        let typed = Array(key.lowercased())
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(typed, Array(candidate.lowercased()))
            if distance < (best?.distance ?? .max) {
                best = (candidate, distance)
            }
        }
        guard let best else { return nil }
        // A third of the longer word, at least 2: catches typos and plural slips, not unrelated words.
        let tolerance = max(2, max(typed.count, best.candidate.count) / 3)
        return best.distance <= tolerance ? best.candidate : nil
    }

    /// Levenshtein distance (insertions, deletions, substitutions), two rows at a time.
    static func editDistance(_ lhs: [Character], _ rhs: [Character]) -> Int {
        if lhs.isEmpty { return rhs.count }
        if rhs.isEmpty { return lhs.count }
        var previous = Array(0...rhs.count)
        var current = [Int](repeating: 0, count: rhs.count + 1)
        for (i, left) in lhs.enumerated() {
            current[0] = i + 1
            for (j, right) in rhs.enumerated() {
                let substitution = previous[j] + (left == right ? 0 : 1)
                current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[rhs.count]
    }
}
