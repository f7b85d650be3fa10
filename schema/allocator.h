/* allocator.h — which malloc a program runs on.
 *
 * The secstd command and searchd link jemalloc unless built without it
 * (-DSECSTD_JEMALLOC=OFF, and always under the sanitizers, which bring
 * their own malloc). The indexer: a tenth of its CPU went to glibc's
 * malloc and free of Xapian's and jansson's many small blocks, and jemalloc
 * serves them faster, in less memory (bench/RESULTS.md, sixth round).
 * searchd: its four workers shared the two glibc arenas it allowed (to
 * hold RSS), and at 16 connections each request cost 15 % more CPU than on
 * jemalloc's arena per thread, in no less memory (eleventh round). The
 * build compiles allocator.c once per choice (CMakeLists.txt);
 * `secstd --version` and `searchd --version` name the one in use. */
#ifndef SECSTD_ALLOCATOR_H
#define SECSTD_ALLOCATOR_H

#include <stddef.h>

/* Built with a sanitizer, whose malloc replaces the C library's. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SECSTD_SANITIZER_MALLOC 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SECSTD_SANITIZER_MALLOC 1
#endif
#endif

/* Writes "jemalloc 5.3.0-...", "glibc malloc" or "sanitizer malloc" to buf
 * (always terminated when len > 0) and returns buf. */
char *secstd_allocator(char *buf, size_t len);

/* Bytes this thread has allocated so far according to jemalloc, or -1 when
 * the programs run on another malloc (the tests check that malloc() in
 * the process really is jemalloc's). */
long long secstd_allocator_thread_allocated(void);

/* Settles the malloc for a server of `threads` workers; called before any
 * thread starts (allocator.c says why each setting). jemalloc: free pages
 * handed back after SECSTD_SERVER_DECAY_MS instead of 10 s, unless
 * MALLOC_CONF is set. glibc: at most as many arenas as workers that can
 * run at once, mmap and trim thresholds fixed at 128 KiB, unless the
 * environment sets glibc's malloc itself. */
#define SECSTD_SERVER_DECAY_MS 1000
void secstd_allocator_tune_for_workers(unsigned threads);

/* Hands free memory back to the system now (glibc: malloc_trim; jemalloc:
 * purges every arena's unused pages instead of waiting for its decay;
 * under a sanitizer nothing: glibc's arenas are not the malloc in use, and
 * malloc_trim on them crashed searchd's suite under ThreadSanitizer). */
void secstd_allocator_trim(void);

#endif
