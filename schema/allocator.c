/* allocator.c — see allocator.h. */
#include "allocator.h"

#include <malloc.h>
#include <stdint.h>
#include <stdio.h>

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

void secstd_allocator_trim(void)
{
#if defined(__GLIBC__) && !defined(SECSTD_SANITIZER_MALLOC)
    malloc_trim(0);
#endif
}
#endif
