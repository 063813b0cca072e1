import ProviderKit
import ProviderKitTesting
import Testing

@Suite("Polling policy")
struct PollingPolicyTests {
    let policy = PollingPolicy(interval: .seconds(30), jitter: .seconds(5), backoffBase: .seconds(2), maxBackoff: .seconds(40))

    @Test("backoff doubles per consecutive failure and stops at the cap")
    func backoffSchedule() {
        let delays = (1...6).map { policy.backoff(afterConsecutiveFailures: $0) }
        #expect(delays == [.seconds(2), .seconds(4), .seconds(8), .seconds(16), .seconds(32), .seconds(40)])
    }

    @Test("a very long failure streak stays at the cap without overflowing")
    func longStreak() {
        #expect(policy.backoff(afterConsecutiveFailures: 10_000) == .seconds(40))
    }

    @Test("after failures the delay is the backoff, whatever the random source says")
    func failuresIgnoreJitter() {
        var random = FixedRandomNumberGenerator.maximum
        #expect(policy.delay(afterConsecutiveFailures: 3, using: &random) == .seconds(8))
    }

    @Test("after a success the delay is the interval plus jitter between none and all")
    func successJitter() {
        var none = FixedRandomNumberGenerator.minimum
        var all = FixedRandomNumberGenerator.maximum
        var half = FixedRandomNumberGenerator(value: UInt64.max / 2)
        #expect(policy.delay(afterConsecutiveFailures: 0, using: &none) == .seconds(30))
        #expect(policy.delay(afterConsecutiveFailures: 0, using: &all) == .seconds(35))
        let middle = policy.delay(afterConsecutiveFailures: 0, using: &half)
        #expect(middle > .milliseconds(32_400) && middle < .milliseconds(32_600))
    }

    @Test("after a success the time the cycle took is subtracted (never below zero); a backoff is not shortened")
    func cycleDurationIsSubtracted() {
        var none = FixedRandomNumberGenerator.minimum
        var all = FixedRandomNumberGenerator.maximum
        #expect(policy.delay(afterConsecutiveFailures: 0, cycleDuration: .seconds(12), using: &none) == .seconds(18))
        #expect(policy.delay(afterConsecutiveFailures: 0, cycleDuration: .seconds(12), using: &all) == .seconds(23))
        #expect(policy.delay(afterConsecutiveFailures: 0, cycleDuration: .seconds(45), using: &none) == .zero)
        #expect(policy.delay(afterConsecutiveFailures: 0, cycleDuration: .seconds(32), using: &all) == .seconds(3))
        #expect(policy.delay(afterConsecutiveFailures: 2, cycleDuration: .seconds(3), using: &none) == .seconds(4))
    }

    @Test("system randomness stays within interval...interval+jitter")
    func systemRandomWithinBounds() {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let delay = policy.delayAfterSuccess(using: &random)
            #expect(delay >= .seconds(30) && delay <= .seconds(35))
        }
    }

    @Test("zero jitter means exactly the interval")
    func zeroJitter() {
        var random = FixedRandomNumberGenerator.maximum
        let policy = PollingPolicy(interval: .seconds(10), jitter: .zero)
        #expect(policy.delayAfterSuccess(using: &random) == .seconds(10))
    }
}
