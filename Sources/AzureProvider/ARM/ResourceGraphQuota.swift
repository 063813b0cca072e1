import Foundation
import HTTPSupport

/// Azure Resource Graph's per-user quota, sent with every answer: how many queries are left in the
/// current window and when the window starts again (`hh:mm:ss`).
struct QuotaHeaders: Sendable, Equatable {
    var remaining: Int
    var resetsAfter: Duration

    init?(_ response: HTTPResponseData) {
        guard let remainingText = response.header("x-ms-user-quota-remaining"),
            let remaining = Int(remainingText.trimmingCharacters(in: .whitespaces)),
            let resetsText = response.header("x-ms-user-quota-resets-after"),
            let resetsAfter = Self.parseTimeSpan(resetsText)
        else { return nil }
        self.remaining = remaining
        self.resetsAfter = resetsAfter
    }

    /// The wait before another query may be sent: none while queries are left in the window.
    var waitBeforeNextRequest: Duration? { remaining > 0 ? nil : resetsAfter }

    /// `hh:mm:ss` (optionally with fractional seconds), as .NET writes a TimeSpan.
    static func parseTimeSpan(_ text: String) -> Duration? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, let hours = Int(parts[0]), let minutes = Int(parts[1]), let seconds = Double(parts[2]),
            hours >= 0, minutes >= 0, seconds >= 0
        else { return nil }
        return .milliseconds(Int64(((Double(hours * 3600 + minutes * 60) + seconds) * 1000).rounded(.up)))
    }
}
