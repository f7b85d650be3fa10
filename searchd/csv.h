/* csv.h — search results as CSV (RFC 4180), produced in pieces.
 *
 * /search.csv answers with every matching row. Rows are encoded one at a
 * time into a small bounded buffer as libmicrohttpd asks for more bytes,
 * so the response body never exists in memory as a whole. Cells are
 * quoted when they contain a comma, quote, CR or LF (quotes doubled);
 * lines end in CRLF. A cell that a spreadsheet would run as a formula
 * (first character = + - @, tab or CR) is defused with a leading
 * apostrophe: exported data comes from third-party listings and must not
 * execute in the engineer's spreadsheet. */
#ifndef SEARCHD_CSV_H
#define SEARCHD_CSV_H

#include <jansson.h>
#include <stddef.h>
#include <sys/types.h>

#include "buf.h"

/* Appends one cell (preceded by a comma unless first). s may be NULL (an
 * empty cell). Returns 0 or -1 when the buffer is full. */
int sd_csv_cell(sd_buf *b, const char *s, int first);
/* Appends the header line. */
int sd_csv_header(sd_buf *b);
/* Appends the line of one search result object (query.h's result form). */
int sd_csv_row(sd_buf *b, const json_t *result);

typedef struct sd_csv_stream sd_csv_stream;

/* A stream over results (a JSON array of result objects; a reference is
 * taken). NULL on allocation failure. */
sd_csv_stream *sd_csv_stream_new(json_t *results);
/* Copies up to max bytes of the CSV text into out. Returns the number of
 * bytes (> 0), 0 never, or -1 at the end of the text. */
ssize_t sd_csv_stream_read(sd_csv_stream *s, char *out, size_t max);
void sd_csv_stream_free(sd_csv_stream *s);

#endif
