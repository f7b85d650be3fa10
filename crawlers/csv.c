/* csv.c — the bounded RFC 4180 state machine of csv.h. The current record
 * is kept as NUL-terminated fields packed in one growing buffer (bounded
 * by SECSTD_CSV_MAX_FIELDS fields of at most SECSTD_CSV_MAX_FIELD bytes)
 * plus an array of field offsets. At the end, the header-driven listing
 * reader the ETSI and 3GPP parsers share. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "charset.h"
#include "csv.h"
#include "parse_util.h"

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

/* ---- listings with a header row ------------------------------------------ */

/* The slot header name h fills, or -1. */
static int header_slot(const secstd_csv_listing *spec, const char *h)
{
    char norm[64];
    if (spec->dots_are_spaces) {
        /* R rewrites "ETSI deliverable" as "ETSI.deliverable". */
        size_t o = 0;
        for (const char *p = h; *p && o + 1 < sizeof norm; p++)
            norm[o++] = (*p == '.' || *p == '_') ? ' ' : (char)tolower((unsigned char)*p);
        norm[o] = '\0';
        h = norm;
    }
    char *t = secstd_text_collapse(h);
    int slot = -1;
    for (size_t i = 0; t && i < spec->ncolumns; i++)
        if (strcasecmp(t, spec->columns[i].name) == 0)
            slot = spec->columns[i].slot;
    free(t);
    return slot;
}

secstd_status secstd_csv_read_listing(const secstd_csv_listing *spec, const char *body,
                                      size_t len, secstd_csv_row_fn row, void *ctx, char *err,
                                      size_t errlen)
{
    if (spec->nslots > SECSTD_CSV_MAX_SLOTS)
        return SECSTD_ERR_INVALID;
    if (len > spec->max_len) {
        snprintf(err, errlen, "CSV body of %zu bytes exceeds the %zu-byte limit", len,
                 spec->max_len);
        return SECSTD_ERR_TOO_LARGE;
    }
    if (!secstd_utf8_valid(body, len)) {
        snprintf(err, errlen, "%s is not valid UTF-8", spec->what);
        return SECSTD_ERR_PARSE;
    }
    secstd_csv *r = secstd_csv_new(body, len, spec->sep);
    if (!r)
        return SECSTD_ERR_NOMEM;
    int slot_of[SECSTD_CSV_MAX_FIELDS];
    size_t n;
    secstd_status st = secstd_csv_next(r, &n, err, errlen);
    if (st == SECSTD_OK && n == 0) {
        snprintf(err, errlen, "empty CSV (no header)");
        st = SECSTD_ERR_PARSE;
    }
    int have[SECSTD_CSV_MAX_SLOTS] = {0};
    for (size_t i = 0; st == SECSTD_OK && i < n; i++) {
        slot_of[i] = header_slot(spec, secstd_csv_field(r, i));
        if (slot_of[i] >= 0)
            have[slot_of[i]] = 1;
    }
    if (st == SECSTD_OK && (!have[spec->required[0]] || !have[spec->required[1]])) {
        snprintf(err, errlen, "%s", spec->missing);
        st = SECSTD_ERR_PARSE;
    }
    size_t ncols = n;
    while (st == SECSTD_OK) {
        st = secstd_csv_next(r, &n, err, errlen);
        if (st != SECSTD_OK || n == 0)
            break;
        if (n != ncols) {
            snprintf(err, errlen, "line %zu: %zu fields, the header has %zu", secstd_csv_line(r), n,
                     ncols);
            st = SECSTD_ERR_PARSE;
            break;
        }
        const char *slots[SECSTD_CSV_MAX_SLOTS] = {0};
        for (size_t i = 0; i < n; i++)
            if (slot_of[i] >= 0 && !slots[slot_of[i]])
                slots[slot_of[i]] = secstd_csv_field(r, i);
        st = row(slots, secstd_csv_line(r), ctx, err, errlen);
    }
    secstd_csv_free(r);
    return st;
}
