/* testutil.c — see testutil.h. */
/* ftw.h needs the X/Open extensions (FTW_DEPTH, FTW_PHYS), vasprintf GNU. */
#define _GNU_SOURCE
#include "testutil.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <ftw.h>
#include <unistd.h>

#ifndef SECSTD_SHARED_DATA
#define SECSTD_SHARED_DATA "../shared/data/sdo"
#endif

char *tu_strdupf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0)
        abort();
    va_end(ap);
    return s;
}

char *tu_mkdtemp(void)
{
    const char *base = getenv("TMPDIR");
    char *tmpl = tu_strdupf("%s/secstd-test-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(tmpl)) {
        perror("mkdtemp");
        abort();
    }
    return tmpl;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void tu_rmtree(const char *path)
{
    if (path && strstr(path, "secstd-test-"))
        nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

char *tu_shared(const char *rel)
{
    const char *base = getenv("SECSTD_SHARED_DATA");
    if (!base || !*base)
        base = SECSTD_SHARED_DATA;
    return tu_strdupf("%s/%s", base, rel);
}

int tu_have_shared(void)
{
    char *p = tu_shared("SOURCES.md");
    int ok = access(p, R_OK) == 0;
    free(p);
    return ok;
}

char *tu_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n < 2) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (!buf)
        return NULL;
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

int tu_write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t w = fwrite(data, 1, len, f);
    return (fclose(f) == 0 && w == len) ? 0 : -1;
}
