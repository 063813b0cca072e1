#ifndef C_PROCESS_TUNING_H
#define C_PROCESS_TUNING_H

#if defined(__linux__)
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#endif

/// Limits glibc's malloc to `count` arenas. Swift's Glibc module does not import `mallopt`, hence this shim.
///
/// glibc gives each thread that allocates while the others hold the lock an arena of its own, and an arena
/// keeps its high-water pages: Swift concurrency moves a task between threads, so one cycle's memory ends up
/// spread over several arenas, each holding its own peak. The limit is read when the second arena is made,
/// so this must run before any other thread allocates. An operator's `MALLOC_ARENA_MAX` or
/// `GLIBC_TUNABLES=glibc.malloc.arena_max=...` is left alone. Returns 1 if the limit was set, 0 otherwise.
static inline int discoveryd_limit_malloc_arenas(int count) {
#if defined(__GLIBC__) && defined(M_ARENA_MAX)
    const char *tunables = getenv("GLIBC_TUNABLES");
    if (getenv("MALLOC_ARENA_MAX") != NULL || (tunables != NULL && strstr(tunables, "arena_max") != NULL)) {
        return 0;
    }
    return mallopt(M_ARENA_MAX, count);
#else
    (void)count;
    return 0;
#endif
}

#endif
