/* strbuf.h — a growing byte buffer for the indexer's own text and data
 * (query.c: query text; docmap.c: stored records). Its n bytes may hold
 * NUL bytes; one more NUL always follows them. */
#ifndef SECSTD_STRBUF_H
#define SECSTD_STRBUF_H

#include <stdlib.h>
#include <string.h>

typedef struct strbuf {
    char *s;
    size_t n, cap;
} strbuf;

/* Appends n bytes of p; -1 (buffer unchanged) when out of memory. */
static inline int sb_add(strbuf *b, const void *p, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = (b->cap ? b->cap * 2 : 256) + n;
        char *ns = realloc(b->s, cap);
        if (!ns)
            return -1;
        b->s = ns;
        b->cap = cap;
    }
    memcpy(b->s + b->n, p, n);
    b->n += n;
    b->s[b->n] = '\0';
    return 0;
}

#endif
