/* csv.c — the bounded RFC 4180 state machine of csv.h. The current record
 * is kept as NUL-terminated fields packed in one growing buffer (bounded
 * by SECSTD_CSV_MAX_FIELDS fields of at most SECSTD_CSV_MAX_FIELD bytes)
 * plus an array of field offsets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

struct secstd_csv {
    const char *data;
    size_t len, pos;
    char sep;
    size_t line;          /* line of data[pos] */
    size_t record_line;   /* line where the current record starts */
    char *buf;            /* fields, each NUL-terminated */
    size_t buflen, bufcap;
    size_t offs[SECSTD_CSV_MAX_FIELDS];
    size_t nfields;
};

secstd_csv *secstd_csv_new(const char *data, size_t len, char sep)
{
    secstd_csv *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->data = data;
    r->len = len;
    r->sep = sep;
    r->line = 1;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        r->pos = 3;
    return r;
}

void secstd_csv_free(secstd_csv *r)
{
    if (!r)
        return;
    free(r->buf);
    free(r);
}

static int put(secstd_csv *r, char c)
{
    if (r->buflen + 1 > r->bufcap) {
        size_t cap = r->bufcap ? r->bufcap * 2 : 256;
        char *b = realloc(r->buf, cap);
        if (!b)
            return -1;
        r->buf = b;
        r->bufcap = cap;
    }
    r->buf[r->buflen++] = c;
    return 0;
}

const char *secstd_csv_field(const secstd_csv *r, size_t i)
{
    return i < r->nfields ? r->buf + r->offs[i] : NULL;
}

size_t secstd_csv_line(const secstd_csv *r) { return r->record_line; }

static secstd_status fail(secstd_csv *r, secstd_status st, char *err, size_t errlen,
                          const char *fmt, size_t line, size_t extra)
{
    char msg[160];
    snprintf(msg, sizeof msg, fmt, extra);
    snprintf(err, errlen, "line %zu: %s", line, msg);
    r->pos = r->len;
    r->nfields = 0;
    return st;
}

secstd_status secstd_csv_next(secstd_csv *r, size_t *nfields, char *err, size_t errlen)
{
    *nfields = 0;
    r->nfields = 0;
    r->buflen = 0;
    /* Skip empty lines between records. */
    while (r->pos < r->len && (r->data[r->pos] == '\n' || r->data[r->pos] == '\r')) {
        if (r->data[r->pos] == '\n')
            r->line++;
        r->pos++;
    }
    if (r->pos >= r->len)
        return SECSTD_OK;
    r->record_line = r->line;
    enum { FIELD_START, UNQUOTED, QUOTED, QUOTE_IN_QUOTED } state = FIELD_START;
    size_t field_start = 0, quote_line = 0;
    for (;;) {
        int at_end = r->pos >= r->len;
        char c = at_end ? '\0' : r->data[r->pos];
        if (state == FIELD_START) {
            if (r->nfields >= SECSTD_CSV_MAX_FIELDS)
                return fail(r, SECSTD_ERR_TOO_LARGE, err, errlen, "more than %zu fields",
                            r->record_line, (size_t)SECSTD_CSV_MAX_FIELDS);
            r->offs[r->nfields++] = r->buflen;
            field_start = r->buflen;
            if (!at_end && c == '"') {
                state = QUOTED;
                quote_line = r->line;
                r->pos++;
                continue;
            }
            state = UNQUOTED;
        }
        if (state == QUOTED) {
            if (at_end)
                return fail(r, SECSTD_ERR_PARSE, err, errlen,
                            "unterminated quoted field (still open at the end, line %zu)",
                            quote_line, r->line);
            r->pos++;
            if (c == '"') {
                state = QUOTE_IN_QUOTED;
                continue;
            }
            if (c == '\n')
                r->line++;
        } else if (state == QUOTE_IN_QUOTED) {
            if (!at_end && c == '"') {
                state = QUOTED;
                r->pos++;
            } else if (at_end || c == r->sep || c == '\n' || c == '\r') {
                state = UNQUOTED; /* the field is closed; fall to the separator handling */
                goto end_of_field;
            } else {
                return fail(r, SECSTD_ERR_PARSE, err, errlen,
                            "unexpected character after closing quote (field %zu)", r->line,
                            r->nfields);
            }
        } else { /* UNQUOTED */
        end_of_field:
            if (at_end || c == r->sep || c == '\n' || c == '\r') {
                if (put(r, '\0') != 0)
                    return SECSTD_ERR_NOMEM;
                if (at_end) {
                    *nfields = r->nfields;
                    return SECSTD_OK;
                }
                r->pos++;
                if (c == r->sep) {
                    state = FIELD_START;
                    continue;
                }
                if (c == '\r' && r->pos < r->len && r->data[r->pos] == '\n')
                    r->pos++;
                r->line++;
                *nfields = r->nfields;
                return SECSTD_OK;
            }
            if (c == '"')
                return fail(r, SECSTD_ERR_PARSE, err, errlen, "quote inside unquoted field %zu",
                            r->line, r->nfields);
            r->pos++;
        }
        if (r->buflen - field_start >= SECSTD_CSV_MAX_FIELD)
            return fail(r, SECSTD_ERR_TOO_LARGE, err, errlen, "field longer than %zu bytes",
                        r->record_line, (size_t)SECSTD_CSV_MAX_FIELD);
        if (put(r, c) != 0)
            return SECSTD_ERR_NOMEM;
    }
}
