import NIOCore

/// Process-wide settings for what discoveryd is: a process that waits on HTTP answers almost all the time and
/// computes for a few milliseconds a cycle. Applied once at startup, before the first HTTP client exists.
public enum ProcessTuning {
    /// One NIO event loop thread instead of one per core, and one blocking-pool thread: a handful of connections
    /// at a time need no more, and each further thread costs a stack and a malloc arena. (Limiting glibc's
    /// arenas is not done here: `MALLOC_ARENA_MAX=1` measured no difference, see the README's benchmarks.)
    public static func apply() {
        NIOSingletons.groupLoopCountSuggestion = 1
        NIOSingletons.blockingPoolThreadCountSuggestion = 1
    }
}
