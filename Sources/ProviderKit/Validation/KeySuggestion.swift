/// Finds the key a user probably meant when they typed one that is not allowed, for "did you mean" hints.
///
/// Provider authors use it when their configuration or inventory decoder meets an unknown key:
///
/// ```swift
/// if let suggestion = KeySuggestion.closest(to: "adress", among: ["id", "address", "tags"]) {
///     message += "; did you mean \"\(suggestion)\"?"   // "address"
/// }
/// ```
///
/// Matching ignores case. A candidate is suggested only when it is close enough to be a plausible typo, so an
/// unrelated word gets no hint rather than a misleading one.
public enum KeySuggestion {
    /// The candidate closest to `key` by edit distance, or `nil` when none is within typo distance.
    ///
    /// The tolerance is a third of the longer of the two words, at least 2: it catches typos and plural slips
    /// ("tag" → "tags", "server_slot" → "server_slots") but not different words. Ties go to the earlier candidate.
    public static func closest(to key: String, among candidates: [String]) -> String? {
        let typed = Array(key.lowercased())
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(typed, Array(candidate.lowercased()))
            if distance < (best?.distance ?? .max) {
                best = (candidate, distance)
            }
        }
        guard let best else { return nil }
        let tolerance = max(2, max(typed.count, best.candidate.count) / 3)
        return best.distance <= tolerance ? best.candidate : nil
    }

    /// Levenshtein distance (insertions, deletions, substitutions) between two strings, case-sensitive.
    public static func editDistance(_ lhs: String, _ rhs: String) -> Int {
        editDistance(Array(lhs), Array(rhs))
    }

    /// Two rows at a time: the distance needs only the previous row, not the whole matrix.
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
