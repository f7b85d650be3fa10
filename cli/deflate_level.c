/* deflate_level.c — the zlib level of the index the secstd command writes.
 *
 * Xapian 1.4's glass backend deflates every tag of its termlist and
 * document-data tables (a document's term list, its stored record) with
 * zlib at the default level, 6, and has no setting for it. The secstd
 * command gives those streams level 0: deflate then only copies, the
 * result is no smaller than the tag, and glass stores the tag as it is.
 * Level 6 against level 1 saved almost nothing (each tag is a kilobyte or
 * two of sorted terms); level 1 against level 0 saves a sixth of the
 * index's size for an eighth of the indexer's CPU (bench/RESULTS.md,
 * seventh and thirteenth rounds), and the indexer's speed is the target.
 *
 * The secstd executable defines zlib's deflateInit2_ (which deflateInit2()
 * expands to). libxapian's call binds to the executable's definition — ELF
 * looks a symbol up in the executable before the libraries, and the linker
 * exports it because libxapian references it — which calls zlib's own
 * with level 0 and the smallest hash table for the streams Xapian opens
 * (raw deflate at the default level) and passes every other stream through
 * unchanged. Reading needs nothing: a stored tag is marked as such. searchd
 * never compresses and does not link this file; the tests' indexes are
 * written at zlib's default level. */
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

int secstd_deflate_memlevel(int level, int window_bits, int mem_level)
{
    if (window_bits < 0 && level == Z_DEFAULT_COMPRESSION)
        return SECSTD_INDEX_DEFLATE_MEMLEVEL;
    return mem_level;
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
    int mem = secstd_deflate_memlevel(level, windowBits, memLevel);
    return zlib_deflate_init2(strm, want, method, windowBits, mem, strategy, version, stream_size);
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
            snprintf(buf, len, "zlib %s level %d%s", zlibVersion(), SECSTD_INDEX_DEFLATE_LEVEL,
                     SECSTD_INDEX_DEFLATE_LEVEL == 0 ? " (stored)" : "");
        else
            snprintf(buf, len, "zlib %s default level", zlibVersion());
    }
    return buf;
}
