/* handlers.c — the JSON API and the CSV export: /api/search,
 * /api/standards/{id}, /api/standards/{id}/similar, /api/areas,
 * /api/coverage, /api/overlap, /api/changes and /search.csv.
 *
 * Each handler is: check the arguments (params.c), get this worker's index
 * (server.c), call the index or query module, answer. A call that meets a
 * generation being replaced under it (DatabaseModifiedError) is retried
 * once on a reopened handle, so a swap never fails a request. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "changes.h"
#include "csv.h"
#include "internal.h"
#include "overlap.h"
#include "schema.h"

/* Longest identifier looked up (the record schema allows 128). */
#define MAX_ID_LEN 256

static const char *const NO_PARAMS[] = {NULL};
static const char *const SIMILAR_PARAMS[] = {"limit", NULL};

/* Runs op; on a modified-index error reopens and runs it once more. */
#define WITH_RETRY(idx, st, call)                                  \
    do {                                                           \
        (st) = (call);                                             \
        if ((st) == SECSTD_ERR_XAPIAN_MODIFIED &&                  \
            secstd_index_reopen(idx) == SECSTD_OK)                 \
            (st) = (call);                                         \
    } while (0)

/* The search of /api/search (csv 0) and /search.csv (csv 1): parameters
 * checked, the query run. Returns 0 with *out set, or -1 with *answer the
 * error response already queued. */
static int run_search(sd_request *rq, int csv, json_t **out, enum MHD_Result *answer)
{
    secstd_search_request req;
    secstd_search_request_init(&req);
    sd_error e;
    *out = NULL;
    if (sd_parse_search(rq->args, rq->nargs, sd_server_limits(rq->srv), csv, &req, &e) < 0) {
        *answer = sd_respond_error(rq, &e);
        return -1;
    }
    secstd_index *idx = sd_request_index(rq);
    if (!idx) {
        *answer = rq->queued;
        return -1;
    }
    const char *param = NULL;
    char err[768] = "";
    secstd_status st;
    WITH_RETRY(idx, st, secstd_search(idx, &req, out, &param, err, sizeof(err)));
    if (st != SECSTD_OK) {
        *answer = sd_respond_status(rq, st, param, err);
        return -1;
    }
    json_object_set_new(*out, "generation", json_integer(secstd_index_generation(idx)));
    return 0;
}

enum MHD_Result sd_handle_search(sd_request *rq)
{
    json_t *out;
    enum MHD_Result answer;
    if (run_search(rq, 0, &out, &answer) < 0)
        return answer;
    return sd_respond_json(rq, 200, out, SD_CACHE_API);
}

/* The {id} of the path as a NUL-terminated copy, or NULL (answered). */
static char *capture_id(sd_request *rq)
{
    if (rq->capture_len > MAX_ID_LEN) {
        sd_respond_errorf(rq, 404, "id", "no standard with an identifier that long");
        return NULL;
    }
    char *id = strndup(rq->capture, rq->capture_len);
    if (!id)
        sd_respond_errorf(rq, 503, NULL, "out of memory");
    return id;
}

static enum MHD_Result not_found(sd_request *rq, const char *id)
{
    char q[3 * MAX_ID_LEN + 1];
    sd_percent_encode(id, q, sizeof q, 1);
    return sd_respond_errorf(rq, 404, "id",
                             "no standard '%s' in the index (try /api/search?q=%s)", id, q);
}

enum MHD_Result sd_handle_standard(sd_request *rq)
{
    sd_error e;
    if (sd_check_args(rq->args, rq->nargs, NO_PARAMS, &e) < 0)
        return sd_respond_error(rq, &e);
    char *id = capture_id(rq);
    if (!id)
        return rq->queued;
    secstd_index *idx = sd_request_index(rq);
    if (!idx) {
        free(id);
        return rq->queued;
    }
    json_t *rec = NULL;
    secstd_status st;
    WITH_RETRY(idx, st, secstd_index_get(idx, id, &rec));
    enum MHD_Result r;
    if (st == SECSTD_ERR_NOT_FOUND || st == SECSTD_ERR_INVALID)
        r = not_found(rq, id);
    else if (st != SECSTD_OK)
        r = sd_respond_status(rq, st, "id", NULL);
    else
        r = sd_respond_json(rq, 200, rec, SD_CACHE_API);
    free(id);
    return r;
}

enum MHD_Result sd_handle_similar(sd_request *rq)
{
    sd_error e;
    if (sd_check_args(rq->args, rq->nargs, SIMILAR_PARAMS, &e) < 0)
        return sd_respond_error(rq, &e);
    unsigned limit = 10, max = sd_server_limits(rq->srv)->max_similar;
    const sd_arg *a = sd_find_arg(rq->args, rq->nargs, "limit");
    if (a && sd_parse_uint(a->value, a->value_len, 1, max, &limit) < 0)
        return sd_respond_errorf(rq, 400, "limit",
                                 "parameter 'limit' must be a whole number from 1 to %u", max);
    if (limit > max)
        limit = max;
    char *id = capture_id(rq);
    if (!id)
        return rq->queued;
    secstd_index *idx = sd_request_index(rq);
    if (!idx) {
        free(id);
        return rq->queued;
    }
    json_t *out = NULL;
    secstd_status st;
    WITH_RETRY(idx, st, secstd_index_similar(idx, id, limit, &out));
    enum MHD_Result r;
    if (st == SECSTD_ERR_NOT_FOUND || st == SECSTD_ERR_INVALID) {
        r = not_found(rq, id);
    } else if (st != SECSTD_OK) {
        r = sd_respond_status(rq, st, "id", NULL);
    } else {
        /* An array is wrapped so the answer can grow fields later. */
        if (json_is_array(out)) {
            json_t *wrap = json_object();
            json_object_set_new(wrap, "id", json_string(id));
            json_object_set_new(wrap, "similar", out);
            out = wrap;
        }
        r = sd_respond_json(rq, 200, out, SD_CACHE_API);
    }
    free(id);
    return r;
}

enum MHD_Result sd_handle_areas(sd_request *rq)
{
    sd_error e;
    if (sd_check_args(rq->args, rq->nargs, NO_PARAMS, &e) < 0)
        return sd_respond_error(rq, &e);
    secstd_index *idx = sd_request_index(rq);
    if (!idx)
        return rq->queued;
    json_t *areas = NULL;
    secstd_status st;
    WITH_RETRY(idx, st, secstd_index_areas(idx, &areas));
    if (st != SECSTD_OK)
        return sd_respond_status(rq, st, NULL, NULL);
    json_t *out = json_object();
    json_object_set_new(out, "generation", json_integer(secstd_index_generation(idx)));
    json_object_set_new(out, "areas", areas);
    return sd_respond_json(rq, 200, out, SD_CACHE_API);
}

enum MHD_Result sd_handle_coverage(sd_request *rq)
{
    sd_error e;
    if (sd_check_args(rq->args, rq->nargs, NO_PARAMS, &e) < 0)
        return sd_respond_error(rq, &e);
    secstd_index *idx = sd_request_index(rq);
    if (!idx)
        return rq->queued;
    json_t *out = NULL;
    secstd_status st;
    WITH_RETRY(idx, st, secstd_index_coverage(idx, &out));
    if (st != SECSTD_OK)
        return sd_respond_status(rq, st, NULL, NULL);
    if (json_is_object(out))
        json_object_set_new(out, "generation", json_integer(secstd_index_generation(idx)));
    return sd_respond_json(rq, 200, out, SD_CACHE_API);
}

/* "unknown area 'x'; valid areas: a, b, ..." for a 400 ("parameter 'area'
 * is required; ..." when value is empty). */
enum MHD_Result sd_respond_unknown_area(sd_request *rq, const char *param, const char *value)
{
    sd_buf b;
    sd_buf_init(&b, 4096);
    for (size_t i = 0; i < secstd_area_count(); i++)
        sd_buf_printf(&b, "%s%s", i ? ", " : "", secstd_area_at(i)->id);
    const char *list = b.data ? b.data : "";
    enum MHD_Result r =
        value && *value
            ? sd_respond_errorf(rq, 400, param, "unknown area '%s'; valid areas: %s", value, list)
            : sd_respond_errorf(rq, 400, param, "parameter '%s' is required; valid areas: %s",
                                param ? param : "area", list);
    sd_buf_free(&b);
    return r;
}

/* The area and limit of /api/overlap and /overlap.csv, checked, and the
 * clusters they ask for (from the per-generation cache). Returns 0 with
 * *out set, or -1 with *answer the error response already queued. */
int sd_overlap_from_args(sd_request *rq, unsigned default_limit, json_t **out,
                         enum MHD_Result *answer)
{
    static const char *const allowed[] = {"area", "limit", NULL};
    sd_error e;
    *out = NULL;
    if (sd_check_args(rq->args, rq->nargs, allowed, &e) < 0) {
        *answer = sd_respond_error(rq, &e);
        return -1;
    }
    const sd_arg *area = sd_find_arg(rq->args, rq->nargs, "area");
    const secstd_area *info = area && area->value_len ? secstd_area_lookup(area->value) : NULL;
    if (!info) {
        *answer = sd_respond_unknown_area(rq, "area", area ? area->value : "");
        return -1;
    }
    unsigned limit = default_limit;
    const sd_arg *a = sd_find_arg(rq->args, rq->nargs, "limit");
    if (a && sd_parse_uint(a->value, a->value_len, 1, 1000, &limit) < 0) {
        *answer = sd_respond_errorf(rq, 400, "limit",
                                    "parameter 'limit' must be a whole number from 1 to 1000");
        return -1;
    }
    secstd_index *idx = sd_request_index(rq);
    if (!idx) {
        *answer = rq->queued;
        return -1;
    }
    secstd_status st;
    WITH_RETRY(idx, st, sd_overlap_cached(idx, info->id, limit, out));
    if (st == SECSTD_ERR_NOT_FOUND) {
        *answer = sd_respond_unknown_area(rq, "area", area->value);
        return -1;
    }
    if (st != SECSTD_OK) {
        *answer = sd_respond_status(rq, st, NULL, NULL);
        return -1;
    }
    json_object_set_new(*out, "generation", json_integer(secstd_index_generation(idx)));
    return 0;
}

enum MHD_Result sd_handle_overlap(sd_request *rq)
{
    json_t *out;
    enum MHD_Result answer;
    if (sd_overlap_from_args(rq, 50, &out, &answer) < 0)
        return answer;
    return sd_respond_json(rq, 200, out, SD_CACHE_API);
}

/* Reads since/area/sdo/limit of /api/changes and /feeds/changes.atom into
 * f (areas and sdos are the caller's arrays of SECSTD_QUERY_MAX_FILTERS).
 * Returns 0, or -1 with *answer set to the 400 response already queued. */
int sd_changes_filter_from_args(sd_request *rq, secstd_changes_filter *f, const char **areas,
                                const char **sdos, enum MHD_Result *answer)
{
    secstd_changes_filter_init(f);
    for (size_t i = 0; i < rq->nargs; i++) {
        const sd_arg *a = &rq->args[i];
        static const char *const allowed[] = {"since", "area", "sdo", "limit", NULL};
        sd_error e;
        if (sd_check_args(a, 1, allowed, &e) < 0) {
            *answer = sd_respond_error(rq, &e);
            return -1;
        }
        if (strcmp(a->key, "area") == 0) {
            if (!secstd_area_lookup(a->value)) {
                *answer = sd_respond_unknown_area(rq, "area", a->value);
                return -1;
            }
            if (f->n_areas >= SECSTD_QUERY_MAX_FILTERS) {
                *answer = sd_respond_errorf(rq, 400, "area", "too many areas");
                return -1;
            }
            areas[f->n_areas++] = a->value;
        } else if (strcmp(a->key, "sdo") == 0) {
            const secstd_sdo *sdo = secstd_sdo_lookup(a->value);
            if (!sdo) {
                *answer = sd_respond_errorf(rq, 400, "sdo", "unknown sdo '%s'", a->value);
                return -1;
            }
            if (f->n_sdos >= SECSTD_QUERY_MAX_FILTERS) {
                *answer = sd_respond_errorf(rq, 400, "sdo", "too many SDOs");
                return -1;
            }
            sdos[f->n_sdos++] = sdo->name;
        } else if (strcmp(a->key, "since") == 0) {
            char err[256] = "";
            if (f->since || secstd_changes_check_since(a->value, err, sizeof(err)) != SECSTD_OK) {
                *answer = sd_respond_errorf(rq, 400, "since", "%s",
                                            *err ? err : "parameter 'since' is given more than once");
                return -1;
            }
            f->since = a->value;
        } else {
            unsigned n;
            if (sd_parse_uint(a->value, a->value_len, 1, SECSTD_CHANGES_MAX_REPORTS, &n) < 0) {
                *answer = sd_respond_errorf(rq, 400, "limit",
                                            "parameter 'limit' must be a whole number from 1 to %d",
                                            SECSTD_CHANGES_MAX_REPORTS);
                return -1;
            }
            f->max_reports = n;
        }
    }
    f->areas = areas;
    f->sdos = sdos;
    return 0;
}

enum MHD_Result sd_handle_changes(sd_request *rq)
{
    secstd_changes_filter f;
    const char *areas[SECSTD_QUERY_MAX_FILTERS], *sdos[SECSTD_QUERY_MAX_FILTERS];
    enum MHD_Result answer;
    if (sd_changes_filter_from_args(rq, &f, areas, sdos, &answer) < 0)
        return answer;
    json_t *out = NULL;
    char err[512] = "";
    secstd_status st =
        secstd_changes_since(sd_server_config(rq->srv)->index_dir, &f, &out, err, sizeof(err));
    if (st != SECSTD_OK)
        return sd_respond_status(rq, st, st == SECSTD_ERR_INVALID ? "since" : NULL, err);
    return sd_respond_json(rq, 200, out, SD_CACHE_API);
}

/* ---- /search.csv ---------------------------------------------------------- */

typedef struct csv_body {
    sd_csv_stream *stream;
    long long *bytes;        /* the request's byte count (for the access log) */
} csv_body;

/* Exports being sent: each holds its result rows (up to csv_max_rows,
 * ~55 MB at 100,000) until the client has read them, so a few slow
 * downloads could hold gigabytes; beyond this many, 503 and Retry-After. */
#define CSV_MAX_ACTIVE 4
static atomic_int csv_active;

static ssize_t csv_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    csv_body *b = cls;
    ssize_t n = sd_csv_stream_read(b->stream, buf, max);
    if (n < 0)
        return MHD_CONTENT_READER_END_OF_STREAM;
    *b->bytes += n;
    return n;
}

static void csv_free(void *cls)
{
    csv_body *b = cls;
    sd_csv_stream_free(b->stream);
    free(b);
    atomic_fetch_sub(&csv_active, 1);
}

enum MHD_Result sd_handle_csv(sd_request *rq)
{
    json_t *out;
    enum MHD_Result answer;
    int head = strcmp(rq->method, "HEAD") == 0;
    if (!head && atomic_fetch_add(&csv_active, 1) >= CSV_MAX_ACTIVE) {
        atomic_fetch_sub(&csv_active, 1);
        return sd_respond_errorf(rq, 503, NULL,
                                 "%d CSV exports are being sent already; try again in a few seconds",
                                 CSV_MAX_ACTIVE);
    }
    if (run_search(rq, 1, &out, &answer) < 0) {
        if (!head)
            atomic_fetch_sub(&csv_active, 1);
        return answer;
    }
    json_t *results = json_object_get(out, "results");
    if (!json_is_array(results)) {
        json_decref(out);
        if (!head)
            atomic_fetch_sub(&csv_active, 1);
        return sd_respond_errorf(rq, 500, NULL, "the search returned no result list");
    }
    if (head) {
        /* The headers a GET would get, no body (a chunked stream would send
         * its terminator even to HEAD). */
        json_decref(out);
        struct MHD_Response *resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
        if (!resp)
            return sd_respond_errorf(rq, 503, NULL, "out of memory");
        MHD_add_response_header(resp, "Content-Disposition",
                                "attachment; filename=\"secstd-search.csv\"");
        return sd_respond(rq, 200, resp, "text/csv; charset=utf-8; header=present", SD_CACHE_API);
    }
    csv_body *body = calloc(1, sizeof(*body));
    if (body)
        body->stream = sd_csv_stream_new(results);
    json_decref(out);
    if (!body || !body->stream) {
        free(body);
        atomic_fetch_sub(&csv_active, 1);
        return sd_respond_errorf(rq, 503, NULL, "out of memory");
    }
    body->bytes = &rq->bytes;
    rq->bytes = 0;
    struct MHD_Response *resp =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 32 * 1024, csv_read, body, csv_free);
    if (!resp) {
        csv_free(body);
        return sd_respond_errorf(rq, 503, NULL, "out of memory");
    }
    MHD_add_response_header(resp, "Content-Disposition",
                            "attachment; filename=\"secstd-search.csv\"");
    return sd_respond(rq, 200, resp, "text/csv; charset=utf-8; header=present", SD_CACHE_API);
}
