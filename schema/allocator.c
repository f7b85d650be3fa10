/* allocator.c — see allocator.h. */
#include "allocator.h"

#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#ifdef SECSTD_HAVE_JEMALLOC
#include <jemalloc/jemalloc.h>

char *secstd_allocator(char *buf, size_t len)
{
    const char *version = NULL;
    size_t vlen = sizeof version;
    if (mallctl("version", &version, &vlen, NULL, 0) != 0 || !version)
        version = "(version unknown)";
    if (len > 0)
        snprintf(buf, len, "jemalloc %s", version);
    return buf;
}

long long secstd_allocator_thread_allocated(void)
{
    uint64_t n = 0;
    size_t len = sizeof n;
    if (mallctl("thread.allocated", &n, &len, NULL, 0) != 0)
        return -1;
    return (long long)n;
}

/* jemalloc already gives each worker thread an arena (it keeps four per
 * core) and hands free pages back as they decay. Its default decay, 10 s,
 * keeps a large request's pages (a CSV export of thousands of rows)
 * resident that long; with 1 s searchd's RSS under the soak's mixed load
 * sat at 30 MB instead of 38, at no cost measured in CPU per request
 * (docs/SOAK.md, runs J and K; bench/RESULTS.md, eleventh round). Set for
 * the arenas there are and those made later; an operator's MALLOC_CONF
 * wins: then nothing is changed. */
void secstd_allocator_tune_for_workers(unsigned threads)
{
    (void)threads;
    if (getenv("MALLOC_CONF"))
        return;
    ssize_t ms = SECSTD_SERVER_DECAY_MS;
    (void)mallctl("arenas.dirty_decay_ms", NULL, NULL, &ms, sizeof ms);
    unsigned narenas = 0;
    size_t len = sizeof narenas;
    if (mallctl("arenas.narenas", &narenas, &len, NULL, 0) != 0)
        return;
    for (unsigned i = 0; i < narenas; i++) {
        char name[64];
        snprintf(name, sizeof name, "arena.%u.dirty_decay_ms", i);
        (void)mallctl(name, NULL, NULL, &ms, sizeof ms);   /* fails for arenas not made yet */
    }
}

void secstd_allocator_trim(void)
{
    char name[64];
    snprintf(name, sizeof name, "arena.%u.purge", (unsigned)MALLCTL_ARENAS_ALL);
    (void)mallctl(name, NULL, NULL, NULL, 0);
}
#else
char *secstd_allocator(char *buf, size_t len)
{
#ifdef SECSTD_SANITIZER_MALLOC
    const char *name = "sanitizer malloc";
#else
    const char *name = "glibc malloc";
#endif
    if (len > 0)
        snprintf(buf, len, "%s", name);
    return buf;
}

long long secstd_allocator_thread_allocated(void)
{
    return -1;
}

/* glibc gives each thread that allocates an arena of its own while there
 * are fewer than eight per core, and by default raises its mmap and trim
 * thresholds after a large block is freed (up to 32 MiB), so later large
 * blocks come from the heap and stay there. With four workers that made
 * four heaps, each keeping the high-water mark of the largest requests it
 * had served at once (a /search.csv of thousands of rows, an overlap
 * computed after a new generation), and searchd's RSS depended on where in
 * a run those peaks fell, not on what it held (bench/soak.sh,
 * docs/SOAK.md). So: no more arenas than workers that can run at the same
 * time (online cores, at most `threads`), and both thresholds fixed at
 * glibc's initial 128 KiB, so large blocks are mapped and unmapped by
 * themselves and free memory at the top of a heap goes back to the
 * system. An operator's own malloc settings in the environment
 * (MALLOC_ARENA_MAX and the like, glibc.malloc tunables) win: then
 * nothing is changed. */
void secstd_allocator_tune_for_workers(unsigned threads)
{
#if defined(__GLIBC__) && !defined(SECSTD_SANITIZER_MALLOC)
    static const char *const own_settings[] = {"MALLOC_ARENA_MAX", "MALLOC_ARENA_TEST",
                                               "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_",
                                               "MALLOC_TOP_PAD_"};
    for (size_t i = 0; i < sizeof(own_settings) / sizeof(own_settings[0]); i++)
        if (getenv(own_settings[i]))
            return;
    const char *tunables = getenv("GLIBC_TUNABLES");
    if (tunables && strstr(tunables, "glibc.malloc."))
        return;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned arenas = cores > 0 && (unsigned long)cores < threads ? (unsigned)cores : threads;
    mallopt(M_ARENA_MAX, arenas > 0 ? (int)arenas : 1);
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
    mallopt(M_TRIM_THRESHOLD, 128 * 1024);
#else
    (void)threads;
#endif
}

void secstd_allocator_trim(void)
{
#if defined(__GLIBC__) && !defined(SECSTD_SANITIZER_MALLOC)
    malloc_trim(0);
#endif
}
#endif
