/* buf.h — a bounded growing byte buffer for searchd.
 *
 * Everything searchd builds from client input (CSV rows, metrics text,
 * log lines, XML) goes through one of these: it grows on demand but never
 * past its maximum, and once an append would exceed it the buffer is
 * marked overflowed and refuses further appends, so a hostile request can
 * cost at most `max` bytes. The data is always NUL-terminated. */
#ifndef SEARCHD_BUF_H
#define SEARCHD_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct sd_buf {
    char *data;      /* NUL-terminated, NULL until the first append */
    size_t len;
    size_t cap;
    size_t max;      /* largest len ever allowed */
    int overflow;    /* 1 once an append did not fit (or allocation failed) */
} sd_buf;

/* An empty buffer that will hold at most max bytes. */
void sd_buf_init(sd_buf *b, size_t max);
/* Frees the data; the buffer may be reused after sd_buf_init. */
void sd_buf_free(sd_buf *b);
/* Forgets the content, keeps the allocation and the maximum. */
void sd_buf_reset(sd_buf *b);
/* Appends; returns 0, or -1 (and sets overflow) when it would not fit. */
int sd_buf_append(sd_buf *b, const char *data, size_t len);
int sd_buf_puts(sd_buf *b, const char *s);
int sd_buf_putc(sd_buf *b, char c);
int sd_buf_printf(sd_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int sd_buf_vprintf(sd_buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Hands the data over to the caller (free() it) and empties the buffer.
 * Returns "" copies as a malloc'ed empty string; NULL on allocation failure. */
char *sd_buf_take(sd_buf *b);

/* s percent-encoded into out (RFC 3986 unreserved characters kept; a space
 * as '+' when space_plus, for query strings), cut to fit outlen, always
 * NUL-terminated. */
void sd_percent_encode(const char *s, char *out, size_t outlen, int space_plus);

#endif
