/* csv.c — RFC 4180 encoding of search results (csv.h). The columns are a
 * table so the header line and the rows cannot disagree. */
#include "csv.h"

#include <stdlib.h>
#include <string.h>

/* The largest encoded row: fields are bounded by the record schema (a
 * title is at most 2000 bytes, an id 128, a URL 2000) so real rows are a
 * few KiB; a row that does not fit is cut, never grown without bound. */
#define CSV_MAX_ROW (64 * 1024)

typedef enum column_kind { COL_STRING, COL_LIST } column_kind;

typedef struct column {
    const char *header;
    const char *key;      /* key in the result object */
    column_kind kind;
} column;

static const column COLUMNS[] = {
    {"id", "id", COL_STRING},
    {"sdo", "sdo", COL_STRING},
    {"type", "type", COL_STRING},
    {"title", "title", COL_STRING},
    {"status", "status", COL_STRING},
    {"date", "date", COL_STRING},
    {"areas", "areas", COL_LIST},
    {"url", "url", COL_STRING},
    {"superseded_by", "superseded_by", COL_LIST},
};
#define N_COLUMNS (sizeof(COLUMNS) / sizeof(COLUMNS[0]))

int sd_csv_cell(sd_buf *b, const char *s, int first)
{
    if (!first && sd_buf_putc(b, ',') < 0)
        return -1;
    if (!s || !*s)
        return 0;
    int formula = strchr("=+-@\t\r", s[0]) != NULL;
    int quote = formula || strpbrk(s, ",\"\r\n") != NULL;
    if (!quote)
        return sd_buf_puts(b, s);
    if (sd_buf_putc(b, '"') < 0)
        return -1;
    if (formula && sd_buf_putc(b, '\'') < 0)
        return -1;
    for (const char *p = s; *p; p++) {
        if (*p == '"' && sd_buf_putc(b, '"') < 0)
            return -1;
        if (sd_buf_putc(b, *p) < 0)
            return -1;
    }
    return sd_buf_putc(b, '"');
}

int sd_csv_header(sd_buf *b)
{
    for (size_t i = 0; i < N_COLUMNS; i++)
        if (sd_csv_cell(b, COLUMNS[i].header, i == 0) < 0)
            return -1;
    return sd_buf_puts(b, "\r\n");
}

/* "a; b; c" from an array of strings. */
static char *join_list(const json_t *arr)
{
    sd_buf b;
    sd_buf_init(&b, CSV_MAX_ROW);
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) {
        if (!json_is_string(v))
            continue;
        if (b.len)
            sd_buf_puts(&b, "; ");
        sd_buf_puts(&b, json_string_value(v));
    }
    return sd_buf_take(&b);
}

int sd_csv_row(sd_buf *b, const json_t *result)
{
    for (size_t i = 0; i < N_COLUMNS; i++) {
        const json_t *v = json_object_get(result, COLUMNS[i].key);
        int rc;
        if (COLUMNS[i].kind == COL_LIST && json_is_array(v)) {
            char *s = join_list(v);
            rc = s ? sd_csv_cell(b, s, i == 0) : -1;
            free(s);
        } else {
            rc = sd_csv_cell(b, json_is_string(v) ? json_string_value(v) : NULL, i == 0);
        }
        if (rc < 0)
            return -1;
    }
    return sd_buf_puts(b, "\r\n");
}

struct sd_csv_stream {
    json_t *results;
    size_t next_row;     /* next result to encode */
    int header_done;
    sd_buf line;         /* encoded text not yet handed out */
    size_t line_pos;
};

sd_csv_stream *sd_csv_stream_new(json_t *results)
{
    sd_csv_stream *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->results = json_incref(results);
    sd_buf_init(&s->line, CSV_MAX_ROW);
    return s;
}

/* Encodes the next line into s->line; returns -1 when there is none. */
static int next_line(sd_csv_stream *s)
{
    sd_buf_reset(&s->line);
    s->line_pos = 0;
    if (!s->header_done) {
        s->header_done = 1;
        sd_csv_header(&s->line);
        return 0;
    }
    if (s->next_row >= json_array_size(s->results))
        return -1;
    const json_t *r = json_array_get(s->results, s->next_row++);
    if (sd_csv_row(&s->line, r) < 0) {
        /* Cannot happen with schema-valid records; stay well-formed anyway:
         * the identifier alone rather than a half-quoted cell. */
        sd_buf_reset(&s->line);
        const json_t *id = json_object_get(r, "id");
        sd_csv_cell(&s->line, json_is_string(id) ? json_string_value(id) : NULL, 1);
        sd_buf_puts(&s->line, "\r\n");
    }
    return 0;
}

ssize_t sd_csv_stream_read(sd_csv_stream *s, char *out, size_t max)
{
    size_t done = 0;
    while (done < max) {
        if (s->line_pos >= s->line.len && next_line(s) < 0)
            break;
        size_t n = s->line.len - s->line_pos;
        if (n > max - done)
            n = max - done;
        memcpy(out + done, s->line.data + s->line_pos, n);
        s->line_pos += n;
        done += n;
    }
    return done ? (ssize_t)done : -1;
}

void sd_csv_stream_free(sd_csv_stream *s)
{
    if (!s)
        return;
    json_decref(s->results);
    sd_buf_free(&s->line);
    free(s);
}
