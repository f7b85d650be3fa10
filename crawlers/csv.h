/* csv.h — a small, bounded RFC 4180 reader for the CSV listings (ETSI
 * standards-search export, comma-separated; 3GPP status database export,
 * semicolon-separated).
 *
 * It is a state machine over a memory buffer: fields may be quoted
 * ("..."), quotes inside quoted fields are doubled (""), quoted fields may
 * span lines; records end at LF or CRLF; a UTF-8 byte-order mark at the
 * start is skipped; a final record without a line break is accepted.
 * Errors name the line: an unterminated quoted field (with the line it
 * opened on), a quote inside an unquoted field, text after a closing
 * quote, a field or record beyond the limits. Completely empty lines
 * between records are skipped. No CSV library for C is in Debian's set we
 * use, and this is small enough to own. */
#ifndef SECSTD_CSV_H
#define SECSTD_CSV_H

#include <stddef.h>

#include "status.h"

#define SECSTD_CSV_MAX_FIELDS 256
#define SECSTD_CSV_MAX_FIELD (1024u * 1024u)

typedef struct secstd_csv secstd_csv;

/* A reader over data[0..len) (borrowed; must outlive the reader), fields
 * separated by sep (',' or ';'). NULL on allocation failure. */
secstd_csv *secstd_csv_new(const char *data, size_t len, char sep);
void secstd_csv_free(secstd_csv *r);

/* Reads the next record. On SECSTD_OK *nfields is its number of fields,
 * or 0 at the end of the data. Returns SECSTD_ERR_PARSE ("line N: ...")
 * or SECSTD_ERR_TOO_LARGE with the reason in err; SECSTD_ERR_NOMEM.
 * After an error the reader is at the end. */
secstd_status secstd_csv_next(secstd_csv *r, size_t *nfields, char *err, size_t errlen);

/* Field i of the current record (NUL-terminated, borrowed until the next
 * call), or NULL when i is out of range. */
const char *secstd_csv_field(const secstd_csv *r, size_t i);

/* Line (1-based) on which the current record starts. */
size_t secstd_csv_line(const secstd_csv *r);

/* ---- listings with a header row ------------------------------------------
 * The ETSI and 3GPP exports are read the same way: the body must be valid
 * UTF-8 and at most max_len bytes; the first record is a header whose
 * names are looked up in a column table (so reordered or extra columns are
 * tolerated); every later record must have as many fields as the header
 * and is handed to a row callback as an array of slots, one per table
 * column (NULL when the header lacks it; the first of duplicate columns
 * wins). */

#define SECSTD_CSV_MAX_SLOTS 32

/* A header name (matched case-insensitively, white space collapsed) and
 * the slot it fills. */
typedef struct {
    const char *name;
    int slot;
} secstd_csv_column;

typedef struct {
    const char *what;                 /* "ETSI CSV export", for messages */
    char sep;                         /* ',' or ';' */
    size_t max_len;                   /* larger bodies: SECSTD_ERR_TOO_LARGE */
    const secstd_csv_column *columns; /* the header names */
    size_t ncolumns;
    size_t nslots;                    /* slots per row, <= SECSTD_CSV_MAX_SLOTS */
    int dots_are_spaces;              /* '.' and '_' in header names read as ' ' */
    int required[2];                  /* slots the header must name */
    const char *missing;              /* err when it does not: "line 1: header lacks ..." */
} secstd_csv_listing;

/* Called for each data record: slots[0..nslots) borrowed until it returns,
 * line the record's first line. Anything but SECSTD_OK stops the read. */
typedef secstd_status (*secstd_csv_row_fn)(const char *const *slots, size_t line, void *ctx,
                                           char *err, size_t errlen);

/* Reads body[0..len) as the listing spec describes, calling row(slots,
 * line, ctx, ...) per record. Returns SECSTD_OK, SECSTD_ERR_TOO_LARGE,
 * SECSTD_ERR_PARSE (not UTF-8, no header, a required column missing, a
 * record of the wrong width, a CSV syntax error: reason in err),
 * SECSTD_ERR_NOMEM, or the first status row returned. */
secstd_status secstd_csv_read_listing(const secstd_csv_listing *spec, const char *body,
                                      size_t len, secstd_csv_row_fn row, void *ctx, char *err,
                                      size_t errlen);

#endif
