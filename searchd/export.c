/* export.c — CSV exports for liaison statements: /coverage.csv (technology
 * area x standards body, published and in development separately, empty
 * cells as 0 so the gaps are visible) and /overlap.csv?area=ID (one area's
 * cross-body overlap clusters, one line per member).
 *
 * The columns are the same as `secstd coverage --format csv` and
 * `secstd overlap --format csv`, so a file made on the command line and
 * one downloaded from the page agree. Cells go through sd_csv_cell (csv.c):
 * RFC 4180 quoting, CRLF line ends, and formula-looking cells (= + - @ tab
 * CR) defused with a leading apostrophe, because titles come from third
 * party listings and must not run in a coordinator's spreadsheet.
 *
 * Both answers are small (tens of KiB on the real data: 40-odd areas, at
 * most 1000 clusters of at most a dozen members), so each is built whole in
 * a bounded buffer and handed to libmicrohttpd without a copy. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "internal.h"
#include "overlap.h"
#include "schema.h"

/* Upper bound of one export; far above the real sizes (see above). */
#define EXPORT_MAX_BYTES (32u * 1024 * 1024)

/* Runs call; on a modified-index error reopens and runs it once more. */
#define WITH_RETRY(idx, st, call)                                  \
    do {                                                           \
        (st) = (call);                                             \
        if ((st) == SECSTD_ERR_XAPIAN_MODIFIED &&                  \
            secstd_index_reopen(idx) == SECSTD_OK)                 \
            (st) = (call);                                         \
    } while (0)

static const char *str_of(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static long long int_of(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_integer(v) ? (long long)json_integer_value(v) : 0;
}

static int csv_int(sd_buf *b, long long v, int first)
{
    char num[32];
    snprintf(num, sizeof(num), "%lld", v);
    return sd_csv_cell(b, num, first);
}

static int csv_end(sd_buf *b) { return sd_buf_puts(b, "\r\n"); }

static void free_text(void *p) { free(p); }

/* Answers the buffer's text as a CSV attachment called filename. */
static enum MHD_Result respond_csv(sd_request *rq, sd_buf *b, const char *filename)
{
    if (b->overflow) {
        sd_buf_free(b);
        return sd_respond_errorf(rq, 503, NULL, "the export is too large or memory ran out");
    }
    size_t len = b->len;
    char *text = sd_buf_take(b);
    if (!text)
        return sd_respond_errorf(rq, 503, NULL, "out of memory");
    struct MHD_Response *resp =
        MHD_create_response_from_buffer_with_free_callback(len, text, free_text);
    if (!resp) {
        free(text);
        return sd_respond_errorf(rq, 503, NULL, "out of memory");
    }
    char disposition[160];
    snprintf(disposition, sizeof(disposition), "attachment; filename=\"%s\"", filename);
    MHD_add_response_header(resp, "Content-Disposition", disposition);
    rq->bytes = (long long)len;
    return sd_respond(rq, 200, resp, "text/csv; charset=utf-8; header=present", SD_CACHE_API);
}

/* ---- /coverage.csv ------------------------------------------------------- */

static long long cell_count(const json_t *area, const char *sdo, const char *key)
{
    const json_t *cells = json_object_get(area, "cells");
    return int_of(json_object_get(cells, sdo), key);
}

/* area,label,<SDO> published,<SDO> in development,...,total */
static void coverage_text(const json_t *cov, sd_buf *b)
{
    const json_t *sdos = json_object_get(cov, "sdos");
    size_t i, j;
    json_t *a, *s;
    sd_csv_cell(b, "area", 1);
    sd_csv_cell(b, "label", 0);
    json_array_foreach(sdos, j, s) {
        if (!json_is_string(s))
            continue;
        char h[160];
        snprintf(h, sizeof(h), "%s published", json_string_value(s));
        sd_csv_cell(b, h, 0);
        snprintf(h, sizeof(h), "%s in development", json_string_value(s));
        sd_csv_cell(b, h, 0);
    }
    sd_csv_cell(b, "total", 0);
    csv_end(b);
    json_array_foreach(json_object_get(cov, "areas"), i, a) {
        sd_csv_cell(b, str_of(a, "id"), 1);
        sd_csv_cell(b, str_of(a, "label"), 0);
        json_array_foreach(sdos, j, s) {
            if (!json_is_string(s))
                continue;
            csv_int(b, cell_count(a, json_string_value(s), "published"), 0);
            csv_int(b, cell_count(a, json_string_value(s), "in_development"), 0);
        }
        csv_int(b, int_of(a, "total"), 0);
        csv_end(b);
    }
}

enum MHD_Result sd_handle_coverage_csv(sd_request *rq)
{
    static const char *const no_params[] = {NULL};
    sd_error e;
    if (sd_check_args(rq->args, rq->nargs, no_params, &e) < 0)
        return sd_respond_error(rq, &e);
    secstd_index *idx = sd_request_index(rq);
    if (!idx)
        return rq->queued;
    json_t *cov = NULL;
    secstd_status st;
    WITH_RETRY(idx, st, secstd_index_coverage(idx, &cov));
    if (st != SECSTD_OK)
        return sd_respond_status(rq, st, NULL, NULL);
    sd_buf b;
    sd_buf_init(&b, EXPORT_MAX_BYTES);
    coverage_text(cov, &b);
    json_decref(cov);
    return respond_csv(rq, &b, "secstd-coverage.csv");
}

/* ---- /overlap.csv ---------------------------------------------------------- */

/* "a; b; c" of a cluster's bodies. */
static void join_strings(const json_t *arr, sd_buf *out)
{
    size_t k;
    json_t *s;
    json_array_foreach(arr, k, s) {
        if (!json_is_string(s))
            continue;
        if (out->len)
            sd_buf_puts(out, "; ");
        sd_buf_puts(out, json_string_value(s));
    }
}

/* cluster,topic,bodies,id,sdo,title,status,date,relation,score,in_area */
static void overlap_text(const json_t *ov, sd_buf *b)
{
    static const char *const head[] = {"cluster", "topic",  "bodies", "id",
                                       "sdo",     "title",  "status", "date",
                                       "relation", "score", "in_area"};
    for (size_t h = 0; h < sizeof(head) / sizeof(head[0]); h++)
        sd_csv_cell(b, head[h], h == 0);
    csv_end(b);
    size_t i, j;
    json_t *c, *m;
    json_array_foreach(json_object_get(ov, "clusters"), i, c) {
        sd_buf bodies;
        sd_buf_init(&bodies, 4096);
        join_strings(json_object_get(c, "sdos"), &bodies);
        json_array_foreach(json_object_get(c, "members"), j, m) {
            char score[32] = "";
            const json_t *sv = json_object_get(m, "score");
            if (json_is_number(sv))
                snprintf(score, sizeof(score), "%.2f", json_number_value(sv));
            csv_int(b, (long long)(i + 1), 1);
            sd_csv_cell(b, str_of(c, "label"), 0);
            sd_csv_cell(b, bodies.data, 0);
            sd_csv_cell(b, str_of(m, "id"), 0);
            sd_csv_cell(b, str_of(m, "sdo"), 0);
            sd_csv_cell(b, str_of(m, "title"), 0);
            sd_csv_cell(b, str_of(m, "status"), 0);
            sd_csv_cell(b, str_of(m, "date"), 0);
            sd_csv_cell(b, str_of(m, "relation"), 0);
            sd_csv_cell(b, score, 0);
            sd_csv_cell(b, json_is_false(json_object_get(m, "in_area")) ? "no" : "yes", 0);
            csv_end(b);
        }
        sd_buf_free(&bodies);
    }
}

enum MHD_Result sd_handle_overlap_csv(sd_request *rq)
{
    /* Every cluster by default: a liaison statement wants the whole list. */
    json_t *ov;
    enum MHD_Result answer;
    if (sd_overlap_from_args(rq, 1000, &ov, &answer) < 0)
        return answer;
    /* Checked by sd_overlap_from_args: a known area id. */
    const secstd_area *info = secstd_area_lookup(sd_find_arg(rq->args, rq->nargs, "area")->value);
    sd_buf b;
    sd_buf_init(&b, EXPORT_MAX_BYTES);
    overlap_text(ov, &b);
    json_decref(ov);
    /* The area id is a taxonomy id ([a-z0-9-]), safe in a header. */
    char filename[128];
    snprintf(filename, sizeof(filename), "secstd-overlap-%s.csv", info->id);
    return respond_csv(rq, &b, filename);
}
