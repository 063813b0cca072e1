import CProcessTuning
import NIOCore

/// Process-wide settings for what discoveryd is: a process that waits on HTTP answers almost all the time and
/// computes for a few milliseconds a cycle.
public enum ProcessTuning {
    /// One glibc malloc arena for the whole process, the first thing `main` does (glibc fixes the limit when
    /// a second thread first allocates, so later is too late; an operator's `MALLOC_ARENA_MAX` is left alone).
    ///
    /// By default glibc makes an arena per thread that allocates while another holds the lock, up to eight per
    /// core, and each arena keeps its own high-water pages. Swift concurrency resumes a task on whichever pool
    /// thread is free, so one cycle's allocations spread over four or five arenas, each at its own peak: a
    /// `--once` cycle's heap took 11 MiB of RSS for 5.5 MiB in use. discoveryd allocates from two or three
    /// threads that mostly wait, so the lock is never contended enough to matter. No effect off glibc.
    public static func limitMallocArenas() {
        _ = discoveryd_limit_malloc_arenas(1)
    }

    /// One NIO event loop thread instead of one per core, and one blocking-pool thread: a handful of connections
    /// at a time need no more, and each further thread costs a stack. Applied before the first HTTP client
    /// exists.
    public static func apply() {
        NIOSingletons.groupLoopCountSuggestion = 1
        NIOSingletons.blockingPoolThreadCountSuggestion = 1
    }
}
