/* buf.c — the bounded buffer of buf.h. Growth doubles (amortised O(1))
 * but is clamped to the maximum plus the terminating NUL. */
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sd_buf_init(sd_buf *b, size_t max)
{
    memset(b, 0, sizeof(*b));
    b->max = max;
}

void sd_buf_free(sd_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->overflow = 0;
}

void sd_buf_reset(sd_buf *b)
{
    b->len = 0;
    b->overflow = 0;
    if (b->data)
        b->data[0] = '\0';
}

static int reserve(sd_buf *b, size_t extra)
{
    if (b->overflow)
        return -1;
    if (extra > b->max || b->len > b->max - extra) {
        b->overflow = 1;
        return -1;
    }
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    if (cap > b->max + 1)
        cap = b->max + 1;
    char *p = realloc(b->data, cap);
    if (!p) {
        b->overflow = 1;
        return -1;
    }
    b->data = p;
    b->cap = cap;
    return 0;
}

int sd_buf_append(sd_buf *b, const char *data, size_t len)
{
    if (reserve(b, len) < 0)
        return -1;
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return 0;
}

int sd_buf_puts(sd_buf *b, const char *s) { return sd_buf_append(b, s, strlen(s)); }

int sd_buf_putc(sd_buf *b, char c) { return sd_buf_append(b, &c, 1); }

int sd_buf_vprintf(sd_buf *b, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0 || reserve(b, (size_t)n) < 0) {
        b->overflow = 1;
        return -1;
    }
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return 0;
}

int sd_buf_printf(sd_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = sd_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

char *sd_buf_take(sd_buf *b)
{
    char *s = b->data;
    if (!s)
        s = calloc(1, 1);
    b->data = NULL;
    b->len = b->cap = 0;
    b->overflow = 0;
    return s;
}

void sd_percent_encode(const char *s, char *out, size_t outlen, int space_plus)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    if (!outlen)
        return;
    for (; *s && o + 4 < outlen; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~') {
            out[o++] = (char)c;
        } else if (c == ' ' && space_plus) {
            out[o++] = '+';
        } else {
            out[o++] = '%';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        }
    }
    out[o] = '\0';
}
