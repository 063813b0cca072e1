import Foundation

/// The pieces of a log line's UTC timestamp, shared by the JSON and text formats.
enum UTCTimestamp {
    /// `2026-12-01T17:29:34` and the fraction of that second in units of 10^-`digits`, rounded as `rule` says
    /// (a fraction that rounds up to a whole second moves to the next second).
    static func components(
        _ date: Date,
        fractionDigits digits: Int,
        rounding rule: FloatingPointRoundingRule
    ) -> (dateTime: String, fraction: Int) {
        let scale = Int((0..<digits).reduce(1) { value, _ in value * 10 })
        let interval = date.timeIntervalSince1970
        var seconds = time_t(interval.rounded(.down))
        var fraction = Int(((interval - interval.rounded(.down)) * Double(scale)).rounded(rule))
        if fraction >= scale {
            seconds += 1
            fraction = 0
        }
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let date = "\(padded(Int(parts.tm_year) + 1900, 4))-\(padded(Int(parts.tm_mon) + 1, 2))-\(padded(Int(parts.tm_mday), 2))"
        let time = "\(padded(Int(parts.tm_hour), 2)):\(padded(Int(parts.tm_min), 2)):\(padded(Int(parts.tm_sec), 2))"
        return ("\(date)T\(time)", fraction)
    }

    /// `value` with leading zeros to `width` digits.
    static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
