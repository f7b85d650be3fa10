/* deflate_level.c — the zlib level of the index the secstd command writes.
 *
 * Xapian 1.4's glass backend deflates every tag of its termlist and
 * document-data tables (a document's term list, its stored record) with
 * zlib at the default level, 6, and has no setting for it. At level 1 the
 * index is the same size (26k corpus: +0.7 %, 260k: +0.2 %) for less CPU: each tag is a
 * kilobyte or two of sorted terms, where level 6's longer match search
 * finds almost nothing more (bench/RESULTS.md, seventh round).
 *
 * The secstd executable defines zlib's deflateInit2_ (which deflateInit2()
 * expands to). libxapian's call binds to the executable's definition — ELF
 * looks a symbol up in the executable before the libraries, and the linker
 * exports it because libxapian references it — which calls zlib's own
 * with level 1 for the streams Xapian opens (raw deflate at the default
 * level) and passes every other stream through unchanged. searchd never
 * compresses and does not link this file; the tests' indexes are written
 * at zlib's default level. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* RTLD_NEXT, RTLD_DEFAULT */
#endif
#include "deflate_level.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

typedef int (*deflate_init2_fn)(z_streamp, int, int, int, int, int, const char *, int);

static deflate_init2_fn zlib_deflate_init2;
static pthread_once_t zlib_once = PTHREAD_ONCE_INIT;
static atomic_ulong relevelled;

static void find_zlib(void)
{
    /* RTLD_NEXT: the next definition after this object's, zlib's. POSIX
     * dlsym returns functions as void *: copied, not cast. */
    void *sym = dlsym(RTLD_NEXT, "deflateInit2_");
    memcpy(&zlib_deflate_init2, &sym, sizeof sym);
}

int secstd_deflate_level(int level, int window_bits)
{
    /* Xapian's streams: raw deflate (negative window bits), default level. */
    if (window_bits < 0 && level == Z_DEFAULT_COMPRESSION)
        return SECSTD_INDEX_DEFLATE_LEVEL;
    return level;
}

unsigned long secstd_deflate_relevelled(void)
{
    return atomic_load(&relevelled);
}

int deflateInit2_(z_streamp strm, int level, int method, int windowBits, int memLevel, int strategy,
                  const char *version, int stream_size)
{
    pthread_once(&zlib_once, find_zlib);
    if (!zlib_deflate_init2)
        return Z_VERSION_ERROR; /* no zlib in the process: cannot happen when linked */
    int want = secstd_deflate_level(level, windowBits);
    if (want != level)
        atomic_fetch_add(&relevelled, 1);
    return zlib_deflate_init2(strm, want, method, windowBits, memLevel, strategy, version,
                              stream_size);
}

char *secstd_index_compression(char *buf, size_t len)
{
    /* What libxapian's call binds to: the first definition in the
     * process's global scope, as for its own PLT entry. */
    void *bound = dlsym(RTLD_DEFAULT, "deflateInit2_");
    deflate_init2_fn ours = deflateInit2_, found;
    memcpy(&found, &bound, sizeof bound);
    if (len > 0) {
        if (found == ours)
            snprintf(buf, len, "zlib %s level %d", zlibVersion(), SECSTD_INDEX_DEFLATE_LEVEL);
        else
            snprintf(buf, len, "zlib %s default level", zlibVersion());
    }
    return buf;
}
