/* server.c — the libmicrohttpd core of searchd: daemon options, the route
 * table and dispatch, request state from the request line to completion
 * (access log, metrics), the per-worker index handles and the response
 * helpers of internal.h.
 *
 * A request goes through: the URI-log callback (raw target kept, state
 * created), the access handler's first call (size checks, route, method,
 * body, arguments, then the handler queues a response) and the
 * completion callback (log line, counters, state freed). Every check that
 * can reject a request is a table row or one early return in
 * on_request(), in the order of the HTTP status precedence. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* accept4, pipe2 */
#endif
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "accesslog.h"
#include "allocator.h"
#include "assist.h"
#include "internal.h"

/* One worker thread's index handle. */
typedef struct sd_worker {
    secstd_index *idx;
    unsigned epoch;            /* reload epoch the handle was opened in */
    unsigned generation;       /* last generation reported to metrics */
    struct sd_worker *next;
} sd_worker;

/* Threads of the slow pool (below), each with its own index handle. */
#define SD_SLOW_THREADS 2
/* Requests the slow pool holds at most (running or waiting), and at most
 * from one client address (half: one address cannot take the pool);
 * beyond, a slow route answers 503 with a Retry-After of SD_SLOW_RETRY
 * seconds. */
#define SD_SLOW_QUEUE 64
#define SD_SLOW_PER_ADDRESS 32
#define SD_SLOW_RETRY 30

struct searchd_server {
    struct MHD_Daemon *daemon;
    searchd_config cfg;        /* strings below are owned copies */
    char *bind;
    char *index_dir;
    char *web_dir;
    char *access_log_path;
    char url[96];              /* written once, then url_ready is set */
    _Atomic int url_ready;
    unsigned port;
    sd_limits limits;
    sd_access_log *log;
    sd_metrics metrics;
    pthread_key_t worker_key;
    int have_key;
    pthread_mutex_t workers_lock;
    sd_worker *workers;
    _Atomic unsigned reload_epoch;
    _Atomic unsigned in_flight;   /* requests between request line and completion */
    int assist_started;           /* this server started the helper thread (assist.h) */
    _Atomic int draining;
    /* The listening socket and the thread accepting on it (see
     * open_listener); accept_wake stops the thread. */
    int listen_fd;
    int accept_wake[2];
    int accept_started;
    unsigned accept_next;   /* the worker the next connection goes to */
    pthread_t accept_thread;
    _Atomic long long settled_trim_at; /* CLOCK_MONOTONIC second of the trim after a
                                          generation switch; 0 = none due */
    /* The slow pool: threads of their own for the routes that can take a
     * second or more (overlap, coverage, CSV exports). libmicrohttpd's
     * workers each serve many connections in turn, so such a request
     * held up every other connection of its worker until it was done. */
    pthread_mutex_t slow_lock;
    pthread_cond_t slow_cond;
    sd_request *slow_head, *slow_tail;
    unsigned slow_queued;
    int slow_stop;
    _Atomic int slow_stop_now;   /* read by the pool without the lock */
    unsigned slow_nthreads;
    pthread_t slow_threads[SD_SLOW_THREADS];
    struct {
        char addr[48];
        unsigned held;
    } slow_share[SD_SLOW_QUEUE];   /* requests held per client address */
};

/* How long after a worker switched generation the switch is taken as over
 * (every worker on the new generation, the overlap cache refilled). */
#define SWITCH_SETTLE_SECONDS 20

/* ---- configuration ------------------------------------------------------ */

unsigned searchd_default_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 2 ? 2 : n > 16 ? 16 : (unsigned)n;
}

void searchd_config_init(searchd_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->bind = "127.0.0.1";
    cfg->port = 8080;
    cfg->index_dir = "data/index";
    cfg->threads = searchd_default_threads();
    cfg->timeout = 15;
    cfg->max_connections = 512;
    cfg->max_per_ip = 32;
    cfg->connection_memory = 64 * 1024;
    cfg->max_url = 4096;
    cfg->max_header_bytes = 8192;
    cfg->max_headers = 64;
    cfg->max_args = 128;
    cfg->max_per_page = SECSTD_QUERY_MAX_PER_PAGE;
    cfg->max_depth = SECSTD_QUERY_MAX_DEPTH;
    cfg->max_query_len = SECSTD_QUERY_MAX_LEN;
    cfg->csv_max_rows = 100000;
    cfg->max_similar = 50;
    cfg->exact_facets = SECSTD_QUERY_EXACT_FACETS;
    cfg->drain_seconds = 5;
    cfg->max_index_age = 2 * 24 * 3600;
    cfg->assist = 1;
}

/* Limits a configuration must respect, as a table: name, field, range. */
typedef struct limit_rule {
    const char *name;
    size_t offset;
    int is_size;              /* size_t field, else unsigned */
    unsigned long min, max;
} limit_rule;

#define U(f) offsetof(searchd_config, f), 0
#define Z(f) offsetof(searchd_config, f), 1
static const limit_rule LIMIT_RULES[] = {
    {"threads", U(threads), 1, 256},
    {"timeout", U(timeout), 1, 3600},
    {"max_connections", U(max_connections), 1, 100000},
    {"max_per_ip", U(max_per_ip), 1, 100000},
    {"connection_memory", Z(connection_memory), 16 * 1024, 64 * 1024 * 1024},
    {"max_url", Z(max_url), 256, 1024 * 1024},
    {"max_header_bytes", Z(max_header_bytes), 1024, 1024 * 1024},
    {"max_headers", U(max_headers), 8, 1000},
    {"max_args", U(max_args), 8, 10000},
    {"max_per_page", U(max_per_page), 1, SECSTD_QUERY_MAX_PER_PAGE},
    {"max_depth", U(max_depth), 1, SECSTD_QUERY_MAX_DEPTH},
    {"max_query_len", U(max_query_len), 16, SECSTD_QUERY_MAX_LEN},
    {"csv_max_rows", U(csv_max_rows), 1, 10000000},
    {"max_similar", U(max_similar), 1, 1000},
    {"exact_facets", U(exact_facets), 1, 10000000},
    {"assist", U(assist), 0, 1},
    {"drain_seconds", U(drain_seconds), 0, 3600},
    {"max_index_age", U(max_index_age), 0, 365u * 24 * 3600},
    {"port", U(port), 0, 65535},
};
#undef U
#undef Z

static int check_limits(const searchd_config *cfg, char *err, size_t errlen)
{
    for (size_t i = 0; i < sizeof(LIMIT_RULES) / sizeof(LIMIT_RULES[0]); i++) {
        const limit_rule *r = &LIMIT_RULES[i];
        const char *p = (const char *)cfg + r->offset;
        unsigned long v = r->is_size ? (unsigned long)*(const size_t *)p : *(const unsigned *)p;
        if (v < r->min || v > r->max) {
            snprintf(err, errlen, "%s must be between %lu and %lu (got %lu)", r->name, r->min,
                     r->max, v);
            return -1;
        }
    }
    /* The connection's memory must hold the largest URL we answer plus its
     * parsed arguments and the headers, or libmicrohttpd runs out of pool
     * mid-request instead of letting us answer 414/431. */
    size_t need = 2 * cfg->max_url + cfg->max_header_bytes + (size_t)cfg->max_args * 64 +
                  (size_t)cfg->max_headers * 64 + 16 * 1024;
    if (cfg->connection_memory < need) {
        snprintf(err, errlen,
                 "connection_memory (%zu) is too small for max_url, max_header_bytes and "
                 "max_args: at least %zu bytes are needed",
                 cfg->connection_memory, need);
        return -1;
    }
    return 0;
}

const sd_limits *sd_server_limits(const searchd_server *srv) { return &srv->limits; }
const searchd_config *sd_server_config(const searchd_server *srv) { return &srv->cfg; }
sd_metrics *sd_server_metrics(searchd_server *srv) { return &srv->metrics; }
unsigned searchd_port(const searchd_server *srv) { return srv->port; }

unsigned searchd_workers_used(searchd_server *srv)
{
    unsigned n = 0;
    pthread_mutex_lock(&srv->workers_lock);
    for (const sd_worker *w = srv->workers; w; w = w->next)
        n++;
    pthread_mutex_unlock(&srv->workers_lock);
    return n;
}

/* Workers read the URL (Atom ids, OpenSearch) while searchd_start() may
 * still be writing it: with --port 0 it is known only once the daemon,
 * and so its workers, run. Until it is published they get "". */
const char *searchd_url(const searchd_server *srv)
{
    searchd_server *m = (searchd_server *)srv;   /* atomic loads take non-const pointers */
    return atomic_load_explicit(&m->url_ready, memory_order_acquire) ? srv->url : "";
}

static void set_url(searchd_server *srv, int ipv6, const char *bind, unsigned port)
{
    snprintf(srv->url, sizeof(srv->url), ipv6 ? "http://[%s]:%u/" : "http://%s:%u/", bind, port);
    atomic_store_explicit(&srv->url_ready, 1, memory_order_release);
}

/* ---- the worker's index ------------------------------------------------- */

static sd_worker *current_worker(searchd_server *srv)
{
    sd_worker *w = pthread_getspecific(srv->worker_key);
    if (w)
        return w;
    w = calloc(1, sizeof(*w));
    if (!w)
        return NULL;
    if (pthread_setspecific(srv->worker_key, w) != 0) {
        free(w);
        return NULL;
    }
    pthread_mutex_lock(&srv->workers_lock);
    w->next = srv->workers;
    srv->workers = w;
    pthread_mutex_unlock(&srv->workers_lock);
    return w;
}

secstd_index *sd_request_index(sd_request *rq)
{
    searchd_server *srv = rq->srv;
    sd_worker *w = current_worker(srv);
    if (!w) {
        sd_respond_errorf(rq, 503, NULL, "out of memory");
        return NULL;
    }
    unsigned epoch = atomic_load(&srv->reload_epoch);
    if (w->idx && w->epoch != epoch) {
        secstd_index_free(w->idx);
        w->idx = NULL;
    }
    w->epoch = epoch;
    if (w->idx) {
        int changed = 0;
        if (secstd_index_refresh(w->idx, &changed) != SECSTD_OK) {
            /* The handle may be half-switched: start over with a fresh one. */
            secstd_index_free(w->idx);
            w->idx = NULL;
        } else if (changed) {
            atomic_fetch_add(&srv->metrics.index_reopens, 1);
            /* The old generation's pages and tables were just freed: hand
             * the freed heap back to the system, so a swap under load does
             * not leave the resident size at its peak (soak test). The
             * switch itself makes a peak next: every worker opens the new
             * generation while computing the overlaps the cache no longer
             * has, all at once. on_completed() trims once more when that is
             * over, or the resident size would keep that peak. */
            secstd_allocator_trim();
            struct timespec now;
            clock_gettime(CLOCK_MONOTONIC, &now);
            atomic_store(&srv->settled_trim_at, (long long)now.tv_sec + SWITCH_SETTLE_SECONDS);
        }
    }
    if (!w->idx) {
        char err[512] = "";
        secstd_status st = secstd_index_open(srv->index_dir, &w->idx, err, sizeof(err));
        if (st != SECSTD_OK) {
            w->idx = NULL;
            if (st == SECSTD_ERR_NO_INDEX)
                sd_respond_errorf(rq, 503, NULL,
                                  "no index has been published yet; build one with "
                                  "`secstd index` (searchd picks it up without a restart)");
            else
                sd_respond_errorf(rq, 503, NULL, "the index cannot be opened: %s",
                                  secstd_status_to_string(st));
            return NULL;
        }
        atomic_fetch_add(&srv->metrics.index_reopens, 1);
    }
    unsigned gen = secstd_index_generation(w->idx);
    if (gen != w->generation) {
        w->generation = gen;
        sd_metrics_index(&srv->metrics, gen, secstd_index_doccount(w->idx),
                         secstd_index_built_at(w->idx));
    }
    return w->idx;
}

/* ---- responses ----------------------------------------------------------- */

typedef struct header_row {
    const char *name;
    const char *value;
} header_row;

/* Sent with every response searchd makes. The page loads its script and
 * style from /static only, so 'self' is enough and nothing else runs. */
static const header_row COMMON_HEADERS[] = {
    {"X-Content-Type-Options", "nosniff"},
    {"Content-Security-Policy",
     "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
     "form-action 'self'; frame-ancestors 'none'"},
    {"Referrer-Policy", "same-origin"},
    {"X-Frame-Options", "DENY"},
};

static const char *const CACHE_VALUES[] = {
    [SD_CACHE_NONE] = "no-store",
    [SD_CACHE_API] = "no-cache",
    [SD_CACHE_STATIC] = "public, max-age=300",
};

/* Routes whose data other origins may read (a read-only public API). */
static int cross_origin_ok(sd_route_id r)
{
    return r == SD_ROUTE_SEARCH || r == SD_ROUTE_STANDARD || r == SD_ROUTE_SIMILAR ||
           r == SD_ROUTE_AREAS || r == SD_ROUTE_COVERAGE || r == SD_ROUTE_OVERLAP ||
           r == SD_ROUTE_CHANGES || r == SD_ROUTE_CSV || r == SD_ROUTE_COVERAGE_CSV ||
           r == SD_ROUTE_OVERLAP_CSV || r == SD_ROUTE_OPENSEARCH;
}

enum MHD_Result sd_respond(sd_request *rq, unsigned status, struct MHD_Response *resp,
                           const char *content_type, sd_cache cache)
{
    if (!resp) {
        rq->status = 500;
        rq->queued = MHD_NO;
        return MHD_NO;   /* closes the connection: nothing better to do */
    }
    MHD_add_response_header(resp, "Content-Type", content_type);
    for (size_t i = 0; i < sizeof(COMMON_HEADERS) / sizeof(COMMON_HEADERS[0]); i++)
        MHD_add_response_header(resp, COMMON_HEADERS[i].name, COMMON_HEADERS[i].value);
    MHD_add_response_header(resp, "Cache-Control", CACHE_VALUES[cache]);
    if (cross_origin_ok(rq->route))
        MHD_add_response_header(resp, "Access-Control-Allow-Origin", "*");
    if (status == 405)
        MHD_add_response_header(resp, "Allow", "GET, HEAD");
    if (status == 503) { /* no index yet, or busy: both pass */
        char after[16];
        snprintf(after, sizeof after, "%u", rq->retry_after ? rq->retry_after : 5);
        MHD_add_response_header(resp, "Retry-After", after);
    }
    if (atomic_load(&rq->srv->draining))
        MHD_add_response_header(resp, "Connection", "close");
    if (rq->offloaded) {
        /* On the slow pool: queued by on_request once resumed. */
        rq->deferred = resp;
        rq->deferred_status = status;
        rq->status = status;
        rq->queued = MHD_YES;
        return MHD_YES;
    }
    enum MHD_Result r = MHD_queue_response(rq->conn, status, resp);
    MHD_destroy_response(resp);
    rq->status = status;
    rq->queued = r;
    return r;
}

enum MHD_Result sd_respond_data(sd_request *rq, unsigned status, const char *content_type,
                                sd_cache cache, const char *data, size_t len)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY);
    rq->bytes = (long long)len;
    return sd_respond(rq, status, resp, content_type, cache);
}

static void free_json_text(void *p) { free(p); }

enum MHD_Result sd_respond_json(sd_request *rq, unsigned status, json_t *body, sd_cache cache)
{
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    /* Freeing a search's answer (thousands of values) waits until the
     * text is on its way: the client has it a few microseconds sooner. */
    json_decref(rq->sent_body);
    rq->sent_body = body;
    if (!text) {
        static const char fallback[] =
            "{\"error\":{\"code\":500,\"message\":\"response could not be encoded\"}}";
        return sd_respond_data(rq, 500, "application/json; charset=utf-8", SD_CACHE_NONE,
                               fallback, sizeof(fallback) - 1);
    }
    size_t len = strlen(text);
    struct MHD_Response *resp =
        MHD_create_response_from_buffer_with_free_callback(len, text, free_json_text);
    if (!resp)
        free(text);
    rq->bytes = (long long)len;
    return sd_respond(rq, status, resp, "application/json; charset=utf-8", cache);
}

enum MHD_Result sd_respond_error(sd_request *rq, const sd_error *e)
{
    json_t *inner = json_object();
    json_object_set_new(inner, "code", json_integer(e->code));
    json_t *msg = json_string(e->message);
    json_object_set_new(inner, "message", msg ? msg : json_string("invalid request"));
    if (e->param) {
        json_t *p = json_string(e->param);
        if (p)
            json_object_set_new(inner, "parameter", p);
    }
    json_t *body = json_object();
    json_object_set_new(body, "error", inner);
    return sd_respond_json(rq, e->code, body, SD_CACHE_NONE);
}

enum MHD_Result sd_respond_errorf(sd_request *rq, unsigned code, const char *param,
                                  const char *fmt, ...)
{
    sd_error e;
    char msg[sizeof(e.message)];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    sd_error_set(&e, code, param, "%s", msg);
    return sd_respond_error(rq, &e);
}

/* How statuses of the index and query modules become HTTP statuses. */
typedef struct status_map {
    secstd_status status;
    unsigned http;
} status_map;

static const status_map STATUS_HTTP[] = {
    {SECSTD_ERR_INVALID, 400},         {SECSTD_ERR_TOO_LARGE, 400},
    {SECSTD_ERR_QUERY_SYNTAX, 400},    {SECSTD_ERR_NOT_FOUND, 404},
    {SECSTD_ERR_NO_INDEX, 503},        {SECSTD_ERR_SCHEMA_VERSION, 503},
    {SECSTD_ERR_XAPIAN_OPENING, 503},  {SECSTD_ERR_XAPIAN_CORRUPT, 503},
    {SECSTD_ERR_XAPIAN_MODIFIED, 503}, {SECSTD_ERR_XAPIAN_LOCK, 503},
    {SECSTD_ERR_NOMEM, 503},
};

enum MHD_Result sd_respond_status(sd_request *rq, int status, const char *param,
                                  const char *detail)
{
    unsigned http = 500;
    for (size_t i = 0; i < sizeof(STATUS_HTTP) / sizeof(STATUS_HTTP[0]); i++)
        if ((int)STATUS_HTTP[i].status == status)
            http = STATUS_HTTP[i].http;
    const char *msg = detail && *detail ? detail : secstd_status_to_string((secstd_status)status);
    return sd_respond_errorf(rq, http, param, "%s", msg);
}

/* ---- routing -------------------------------------------------------------- */

typedef struct sd_route {
    const char *pattern;      /* "{...}" matches one or more bytes, '/' included */
    sd_route_id id;
    enum MHD_Result (*handler)(sd_request *rq);
} sd_route;

/* First match wins: "/similar" before the bare standard. */
static const sd_route ROUTES[] = {
    {"/api/search", SD_ROUTE_SEARCH, sd_handle_search},
    {"/api/standards/{id}/similar", SD_ROUTE_SIMILAR, sd_handle_similar},
    {"/api/standards/{id}", SD_ROUTE_STANDARD, sd_handle_standard},
    {"/api/areas", SD_ROUTE_AREAS, sd_handle_areas},
    {"/api/coverage", SD_ROUTE_COVERAGE, sd_handle_coverage},
    {"/api/overlap", SD_ROUTE_OVERLAP, sd_handle_overlap},
    {"/api/changes", SD_ROUTE_CHANGES, sd_handle_changes},
    {"/feeds/changes.atom", SD_ROUTE_FEED, sd_handle_changes_atom},
    {"/search.csv", SD_ROUTE_CSV, sd_handle_csv},
    {"/coverage.csv", SD_ROUTE_COVERAGE_CSV, sd_handle_coverage_csv},
    {"/overlap.csv", SD_ROUTE_OVERLAP_CSV, sd_handle_overlap_csv},
    {"/opensearch.xml", SD_ROUTE_OPENSEARCH, sd_handle_opensearch},
    {"/healthz", SD_ROUTE_HEALTHZ, sd_handle_healthz},
    {"/metrics", SD_ROUTE_METRICS, sd_handle_metrics},
    {"/", SD_ROUTE_PAGE, sd_handle_page},
    {"/static/{path}", SD_ROUTE_STATIC, sd_handle_static},
};

static int route_match(const char *pattern, const char *path, const char **cap, size_t *caplen)
{
    const char *open = strchr(pattern, '{');
    if (!open)
        return strcmp(pattern, path) == 0;
    const char *suffix = strchr(open, '}') + 1;
    size_t pre = (size_t)(open - pattern), suf = strlen(suffix), len = strlen(path);
    if (len < pre + suf + 1 || strncmp(path, pattern, pre) != 0 ||
        strcmp(path + len - suf, suffix) != 0)
        return 0;
    *cap = path + pre;
    *caplen = len - pre - suf;
    return 1;
}

/* ---- request life cycle --------------------------------------------------- */

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    searchd_server *srv = cls;
    sd_request *rq = calloc(1, sizeof(*rq));
    if (!rq)
        return NULL;
    rq->srv = srv;
    rq->conn = conn;
    rq->route = SD_ROUTE_OTHER;
    clock_gettime(CLOCK_MONOTONIC, &rq->start);
    rq->raw_uri_len = strlen(uri);
    size_t keep = rq->raw_uri_len > srv->cfg.max_url ? srv->cfg.max_url + 1 : rq->raw_uri_len;
    rq->raw_uri = strndup(uri, keep);
    size_t nargs = 0;
    const char *query = strchr(uri, '?');
    for (const char *p = query; p && *p; p++)
        nargs += *p == '&' || *p == ';';
    if (query && (rq->raw_uri_len > srv->cfg.max_url || nargs >= srv->cfg.max_args)) {
        /* libmicrohttpd 0.9.75 parses every argument into the connection's
         * memory pool right after this callback; tens of thousands of them
         * exhaust the pool and the connection then hangs until the timeout
         * instead of being answered. This request will get 414 anyway, so
         * cut its query string (the URI lives in the connection's writable
         * read buffer) before it is parsed. */
        ((char *)query)[1] = '\0';
        rq->args_cut = 1;
    }
    atomic_fetch_add(&srv->in_flight, 1);
    return rq;
}

typedef struct header_tally {
    size_t bytes;
    unsigned count;
    int has_body;
} header_tally;

static enum MHD_Result tally_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                   size_t key_size, const char *value, size_t value_size)
{
    (void)kind;
    header_tally *t = cls;
    t->bytes += key_size + value_size + 4;   /* ": " and CRLF */
    t->count++;
    if (strcasecmp(key, "Transfer-Encoding") == 0)
        t->has_body = 1;
    if (strcasecmp(key, "Content-Length") == 0 && value &&
        strspn(value, "0") != value_size)
        t->has_body = 1;
    return MHD_YES;
}

typedef struct arg_collect {
    sd_arg *args;
    size_t n, max;
    int overflow;
} arg_collect;

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                   size_t key_size, const char *value, size_t value_size)
{
    (void)kind;
    arg_collect *c = cls;
    if (c->n >= c->max) {
        c->overflow = 1;
        return MHD_NO;
    }
    c->args[c->n++] = (sd_arg){key, key_size, value ? value : "", value ? value_size : 0};
    return MHD_YES;
}

/* ---- the slow pool ------------------------------------------------------- */

static int slow_route(sd_route_id r)
{
    return r == SD_ROUTE_OVERLAP || r == SD_ROUTE_OVERLAP_CSV || r == SD_ROUTE_COVERAGE ||
           r == SD_ROUTE_COVERAGE_CSV || r == SD_ROUTE_CSV;
}

/* The share of the client address addr: its entry, created when absent
 * (NULL when the table is full, which SD_SLOW_QUEUE entries never are).
 * Caller holds slow_lock. */
static unsigned *share_of(searchd_server *srv, const char *addr)
{
    int free_slot = -1;
    for (int i = 0; i < SD_SLOW_QUEUE; i++) {
        if (srv->slow_share[i].held && strcmp(srv->slow_share[i].addr, addr) == 0)
            return &srv->slow_share[i].held;
        if (!srv->slow_share[i].held && free_slot < 0)
            free_slot = i;
    }
    if (free_slot < 0)
        return NULL;
    snprintf(srv->slow_share[free_slot].addr, sizeof srv->slow_share[free_slot].addr, "%s", addr);
    return &srv->slow_share[free_slot].held;
}

static void release_share(searchd_server *srv, const char *addr)
{
    for (int i = 0; i < SD_SLOW_QUEUE; i++)
        if (srv->slow_share[i].held && strcmp(srv->slow_share[i].addr, addr) == 0) {
            srv->slow_share[i].held--;
            return;
        }
}

static void client_address(struct MHD_Connection *conn, char *buf, size_t len)
{
    snprintf(buf, len, "-");
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, buf, (socklen_t)len);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, buf,
                  (socklen_t)len);
}

static void *slow_thread(void *arg)
{
    searchd_server *srv = arg;
    for (;;) {
        pthread_mutex_lock(&srv->slow_lock);
        while (!srv->slow_head && !srv->slow_stop)
            pthread_cond_wait(&srv->slow_cond, &srv->slow_lock);
        sd_request *rq = srv->slow_head;
        if (!rq) { /* stopping, and nothing left to answer */
            pthread_mutex_unlock(&srv->slow_lock);
            return NULL;
        }
        srv->slow_head = rq->next_slow;
        if (!srv->slow_head)
            srv->slow_tail = NULL;
        pthread_mutex_unlock(&srv->slow_lock);
        /* rq->queued is MHD_NO when no response could be made: the
         * connection is then closed on resume, as on a worker. Once
         * stopping, what waits is refused at once, not computed. */
        if (srv->slow_stop_now)
            rq->queued = sd_respond_errorf(rq, 503, NULL, "searchd is shutting down");
        else
            rq->queued = rq->slow_handler(rq);
        pthread_mutex_lock(&srv->slow_lock);
        srv->slow_queued--;
        release_share(srv, rq->client);
        pthread_mutex_unlock(&srv->slow_lock);
        atomic_fetch_sub(&srv->metrics.slow_held, 1);
        MHD_resume_connection(rq->conn);
    }
}

/* Lets the pool's threads finish what they run and refuse what waits
 * (503), then joins them. */
static void stop_slow_pool(searchd_server *srv)
{
    pthread_mutex_lock(&srv->slow_lock);
    srv->slow_stop = 1;
    atomic_store(&srv->slow_stop_now, 1);
    pthread_cond_broadcast(&srv->slow_cond);
    pthread_mutex_unlock(&srv->slow_lock);
    for (unsigned i = 0; i < srv->slow_nthreads; i++)
        pthread_join(srv->slow_threads[i], NULL);
}

/* Hands rq to the slow pool and suspends its connection; 503 when the
 * pool holds SD_SLOW_QUEUE requests already, or SD_SLOW_PER_ADDRESS from
 * this client's address, or is stopping. */
static enum MHD_Result offload(sd_request *rq, enum MHD_Result (*handler)(sd_request *))
{
    searchd_server *srv = rq->srv;
    client_address(rq->conn, rq->client, sizeof rq->client);
    pthread_mutex_lock(&srv->slow_lock);
    int stopping = srv->slow_stop;
    unsigned *share = stopping ? NULL : share_of(srv, rq->client);
    if (srv->slow_queued >= SD_SLOW_QUEUE || !share || *share >= SD_SLOW_PER_ADDRESS) {
        int mine = share && *share >= SD_SLOW_PER_ADDRESS;
        pthread_mutex_unlock(&srv->slow_lock);
        atomic_fetch_add(&srv->metrics.slow_refused, 1);
        rq->retry_after = SD_SLOW_RETRY;
        if (stopping)
            return sd_respond_errorf(rq, 503, NULL, "searchd is shutting down");
        if (mine)
            return sd_respond_errorf(rq, 503, NULL,
                                     "busy: %u slow requests (overlap, coverage, exports) from "
                                     "your address are being answered; retry when they are done",
                                     SD_SLOW_PER_ADDRESS);
        return sd_respond_errorf(rq, 503, NULL,
                                 "busy: %u slow requests (overlap, coverage, exports) are being "
                                 "answered; retry shortly", SD_SLOW_QUEUE);
    }
    (*share)++;
    srv->slow_queued++;
    atomic_fetch_add(&srv->metrics.slow_held, 1);
    rq->slow_handler = handler;
    rq->offloaded = 1;
    rq->queued = MHD_YES;
    /* Suspended before a pool thread can see it, so that its resume
     * cannot come first. */
    MHD_suspend_connection(rq->conn);
    rq->next_slow = NULL;
    if (srv->slow_tail)
        srv->slow_tail->next_slow = rq;
    else
        srv->slow_head = rq;
    srv->slow_tail = rq;
    pthread_cond_signal(&srv->slow_cond);
    pthread_mutex_unlock(&srv->slow_lock);
    return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    searchd_server *srv = cls;
    (void)upload_data;
    sd_request *rq = *con_cls;
    if (!rq) {
        rq = on_uri(srv, url, conn);
        if (!rq)
            return MHD_NO;
        *con_cls = rq;
    }
    if (rq->handled) {
        if (rq->offloaded) {
            /* Resumed: the slow pool's answer, or none (close). */
            struct MHD_Response *resp = rq->deferred;
            rq->deferred = NULL;
            rq->offloaded = 0;
            if (!resp)
                return rq->queued;
            enum MHD_Result r = MHD_queue_response(conn, rq->deferred_status, resp);
            MHD_destroy_response(resp);
            rq->queued = r;
            return r;
        }
        /* A body we already answered (405/413): drop it. */
        *upload_data_size = 0;
        return MHD_YES;
    }
    header_tally tally = {0, 0, 0};
    MHD_get_connection_values_n(conn, MHD_HEADER_KIND, tally_header, &tally);
    if (!rq->seen && !tally.has_body) {
        /* libmicrohttpd treats a response queued on the first call as an
         * "early" answer and closes the connection after it; answering on
         * the second call keeps HTTP keep-alive working. Requests with a
         * body are refused at once (405/413) and closed, which is right. */
        rq->seen = 1;
        return MHD_YES;
    }
    rq->handled = 1;
    rq->method = method;
    rq->version = version;
    rq->path = url;

    /* Route first, so errors are counted under the resource asked for. */
    const sd_route *route = NULL;
    for (size_t i = 0; i < sizeof(ROUTES) / sizeof(ROUTES[0]); i++)
        if (route_match(ROUTES[i].pattern, url, &rq->capture, &rq->capture_len)) {
            route = &ROUTES[i];
            rq->route = route->id;
            break;
        }

    if (rq->raw_uri_len > srv->cfg.max_url)
        return sd_respond_errorf(rq, 414, NULL, "request target too long (at most %zu bytes)",
                                 srv->cfg.max_url);
    if (rq->args_cut)
        return sd_respond_errorf(rq, 414, NULL, "too many query parameters (at most %u)",
                                 srv->cfg.max_args);
    if (tally.bytes > srv->cfg.max_header_bytes || tally.count > srv->cfg.max_headers)
        return sd_respond_errorf(rq, 431, NULL,
                                 "request headers too large (at most %u lines, %zu bytes)",
                                 srv->cfg.max_headers, srv->cfg.max_header_bytes);
    if (!sd_utf8_valid(url, strlen(url)))
        return sd_respond_errorf(rq, 400, NULL, "the path is not valid UTF-8 once decoded");
    /* libmicrohttpd's decoded path ends at a %00: "/healthz%00x" would be
     * served as /healthz. The path as sent must not hold one. */
    if (rq->raw_uri) {
        size_t plen = strcspn(rq->raw_uri, "?");
        for (size_t i = 0; i + 2 < plen; i++)
            if (rq->raw_uri[i] == '%' && rq->raw_uri[i + 1] == '0' && rq->raw_uri[i + 2] == '0')
                return sd_respond_errorf(rq, 400, NULL, "the path holds a NUL byte (%%00)");
    }
    if (!route)
        return sd_respond_errorf(rq, 404, NULL, "no such resource; the API lives under /api/ "
                                                "(see /api/search)");
    if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
        return sd_respond_errorf(rq, 405, NULL, "method %s is not allowed here; use GET",
                                 sd_utf8_valid(method, strlen(method)) && strlen(method) < 32
                                     ? method
                                     : "(unprintable)");
    if (tally.has_body)
        return sd_respond_errorf(rq, 413, NULL, "request bodies are not accepted");

    rq->args = calloc(srv->cfg.max_args, sizeof(sd_arg));
    if (!rq->args)
        return sd_respond_errorf(rq, 503, NULL, "out of memory");
    arg_collect c = {rq->args, 0, srv->cfg.max_args, 0};
    MHD_get_connection_values_n(conn, MHD_GET_ARGUMENT_KIND, collect_arg, &c);
    if (c.overflow)
        return sd_respond_errorf(rq, 414, NULL, "too many query parameters (at most %u)",
                                 srv->cfg.max_args);
    rq->nargs = c.n;
    if (slow_route(route->id) && srv->slow_nthreads > 0)
        return offload(rq, route->handler);
    return route->handler(rq);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    searchd_server *srv = cls;
    sd_request *rq = *con_cls;
    if (!rq)
        return;
    *con_cls = NULL;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long long us = (long long)(now.tv_sec - rq->start.tv_sec) * 1000000LL +
                   (now.tv_nsec - rq->start.tv_nsec) / 1000;
    /* An answer the client did not wait for is counted and logged as 499
     * (nginx's "client closed request"), not as what was queued. */
    unsigned status = rq->status;
    if (status && toe != MHD_REQUEST_TERMINATED_COMPLETED_OK)
        status = 499;
    if (status)
        sd_metrics_request(&srv->metrics, rq->route, status, us < 0 ? 0 : (uint64_t)us);
    if (srv->log) {
        char client[INET6_ADDRSTRLEN];
        client_address(conn, client, sizeof client);
        sd_access_entry e = {
            .client = client,
            .when = time(NULL),
            .method = rq->method,
            .uri = rq->raw_uri,
            .version = rq->version,
            .status = status,
            .bytes = status && status != 499 ? rq->bytes : -1,
            .referer = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Referer"),
            .user_agent = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "User-Agent"),
        };
        sd_access_log_write(srv->log, &e);
    }
    if (rq->deferred)
        MHD_destroy_response(rq->deferred);
    json_decref(rq->sent_body);
    free(rq->raw_uri);
    free(rq->args);
    free(rq);
    atomic_fetch_sub(&srv->in_flight, 1);
    /* The trim due once a generation switch is over (sd_request_index);
     * one worker does it. */
    long long due = atomic_load(&srv->settled_trim_at);
    if (due && now.tv_sec >= due && atomic_compare_exchange_strong(&srv->settled_trim_at, &due, 0))
        secstd_allocator_trim();
}

/* libmicrohttpd's messages quote what clients sent (request targets,
 * headers): control bytes are written as \xNN so that a client cannot
 * start lines or send terminal escapes into the log, and at most
 * MHD_LOG_PER_SECOND lines a second are written (aborted and malformed
 * connections each make one), with a count of those left out. */
#define MHD_LOG_PER_SECOND 20

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    static atomic_llong window;       /* the second being counted */
    static atomic_uint in_window, dropped;
    long long now = (long long)time(NULL);
    long long was = atomic_load(&window);
    if (was != now && atomic_compare_exchange_strong(&window, &was, now)) {
        atomic_store(&in_window, 0);
        unsigned d = atomic_exchange(&dropped, 0);
        if (d)
            fprintf(stderr, "searchd: http: (%u more messages left out)\n", d);
    }
    if (atomic_fetch_add(&in_window, 1) >= MHD_LOG_PER_SECOND) {
        atomic_fetch_add(&dropped, 1);
        return;
    }
    char line[512], safe[sizeof line * 4];
    vsnprintf(line, sizeof(line), fmt, ap);
    size_t n = strlen(line);
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)line[i];
        if (c < 0x20 || c == 0x7f)
            o += (size_t)snprintf(safe + o, sizeof safe - o, "\\x%02x", c);
        else
            safe[o++] = (char)c;
    }
    safe[o] = '\0';
    fprintf(stderr, "searchd: http: %s\n", safe);
}

/* ---- start / reload / stop ------------------------------------------------ */

static const char *default_web_dir(void)
{
#ifdef SECSTD_WEB_DIR
    if (access(SECSTD_WEB_DIR "/index.html", R_OK) == 0)
        return SECSTD_WEB_DIR;
#endif
#ifdef SECSTD_SOURCE_WEB_DIR
    return SECSTD_SOURCE_WEB_DIR;
#else
    return "searchd/web";
#endif
}

static void free_server(searchd_server *srv)
{
    sd_worker *w = srv->workers;
    while (w) {
        sd_worker *next = w->next;
        secstd_index_free(w->idx);
        free(w);
        w = next;
    }
    if (srv->have_key)
        pthread_key_delete(srv->worker_key);
    pthread_mutex_destroy(&srv->workers_lock);
    pthread_mutex_destroy(&srv->slow_lock);
    pthread_cond_destroy(&srv->slow_cond);
    sd_access_log_close(srv->log);
    for (int i = 0; i < 2; i++)
        if (srv->accept_wake[i] >= 0)
            close(srv->accept_wake[i]);
    free(srv->bind);
    free(srv->index_dir);
    free(srv->web_dir);
    free(srv->access_log_path);
    free(srv);
}

/* Whether a request other than the caller's is in progress: the helper
 * thread then stays out (every core has a request already). */
static int others_in_flight(void *ctx)
{
    const searchd_server *srv = ctx;
    return atomic_load(&srv->in_flight) > 1;
}

/* ---- listening ------------------------------------------------------------ */

/* The listening socket is searchd's, not libmicrohttpd's. Its workers,
 * left to accept, each take what they can when the socket wakes them
 * (several connections at a time), so a client opening its connections at
 * once could find them all on one worker, served one request at a time
 * while the other workers idled: wrk's 16 connections on one of two
 * workers, 1.3 of the two cores used (bench/RESULTS.md, thirteenth round).
 * Handed over with MHD_add_connection, a connection goes to the worker
 * numbered by its socket modulo the pool, and sockets are numbered in
 * turn: consecutive connections alternate between the workers. The
 * connection and per-address limits are libmicrohttpd's, as before; a
 * connection over them is closed at once. */
static int open_listener(const struct sockaddr *sa, socklen_t len, int ipv6)
{
    int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return -1;
    int one = 1;
    /* SO_REUSEADDR lets a restart bind at once; no SO_REUSEPORT, which
     * would let a second searchd share the port with a stuck first one. */
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
        (ipv6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) < 0) ||
        bind(fd, sa, len) < 0 || listen(fd, SOMAXCONN) < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

/* libmicrohttpd gives an added connection to the worker numbered by its
 * socket modulo the pool, and socket numbers come from the lowest free:
 * with the index's files opened and closed between connections, two
 * connections in a row could get numbers of the same remainder (both of
 * wrk's two on one worker, in a bench run). So the socket moves up to the
 * next number (F_DUPFD) whose remainder is the next worker's in turn. */
static int worker_turn(searchd_server *srv, int fd)
{
    unsigned n = srv->cfg.threads, want = srv->accept_next++ % n;
    for (unsigned step = 0; step < 2 * n && (unsigned)fd % n != want; step++) {
        int up = fcntl(fd, F_DUPFD_CLOEXEC, fd + 1);
        if (up < 0)
            break;   /* out of descriptors: any worker will do */
        close(fd);
        fd = up;
    }
    return fd;
}

static void *accept_thread(void *arg)
{
    searchd_server *srv = arg;
    struct pollfd p[2] = {{srv->listen_fd, POLLIN, 0}, {srv->accept_wake[0], POLLIN, 0}};
    for (;;) {
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (p[1].revents)
            break;
        if (!(p[0].revents & POLLIN))
            continue;
        union {
            struct sockaddr sa;
            struct sockaddr_in6 in6;
            struct sockaddr_storage ss;
        } peer;
        socklen_t plen = sizeof peer;
        int fd = accept4(srv->listen_fd, &peer.sa, &plen, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd < 0) {
            /* Out of descriptors or memory: the connection waits in the
             * backlog; try again shortly rather than spin. */
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                struct timespec pause = {0, 10 * 1000 * 1000};
                nanosleep(&pause, NULL);
            }
            continue;
        }
        /* Closes the socket itself when it refuses it. */
        MHD_add_connection(srv->daemon, worker_turn(srv, fd), &peer.sa, plen);
    }
    return NULL;
}

/* Stops accepting: connections are refused from here on. */
static void stop_listener(searchd_server *srv)
{
    if (srv->accept_started) {
        ssize_t n;
        do
            n = write(srv->accept_wake[1], "x", 1);
        while (n < 0 && errno == EINTR);
        pthread_join(srv->accept_thread, NULL);
        srv->accept_started = 0;
    }
    if (srv->listen_fd >= 0)
        close(srv->listen_fd);
    srv->listen_fd = -1;
}

/* Undoes a start that failed after the slow pool began: the acceptor and
 * the socket, the pool, the daemon when there is one, the rest. */
static void abandon_start(searchd_server *srv)
{
    stop_listener(srv);
    stop_slow_pool(srv);
    if (srv->daemon)
        MHD_stop_daemon(srv->daemon);
    free_server(srv);
}

int searchd_start(const searchd_config *cfg, searchd_server **out, char *err, size_t errlen)
{
    *out = NULL;
    if (check_limits(cfg, err, errlen) < 0)
        return -1;
    if (!cfg->index_dir || !*cfg->index_dir) {
        snprintf(err, errlen, "no index directory given");
        return -1;
    }
    union {
        struct sockaddr sa;
        struct sockaddr_in in4;
        struct sockaddr_in6 in6;
    } addr;
    memset(&addr, 0, sizeof(addr));
    const char *bind = cfg->bind && *cfg->bind ? cfg->bind : "127.0.0.1";
    int ipv6 = strchr(bind, ':') != NULL;
    if (ipv6) {
        addr.in6.sin6_family = AF_INET6;
        addr.in6.sin6_port = htons((uint16_t)cfg->port);
        if (inet_pton(AF_INET6, bind, &addr.in6.sin6_addr) != 1) {
            snprintf(err, errlen, "bind address '%s' is not an IPv6 address", bind);
            return -1;
        }
    } else {
        addr.in4.sin_family = AF_INET;
        addr.in4.sin_port = htons((uint16_t)cfg->port);
        if (inet_pton(AF_INET, bind, &addr.in4.sin_addr) != 1) {
            snprintf(err, errlen, "bind address '%s' is not an IPv4 address", bind);
            return -1;
        }
    }

    searchd_server *srv = calloc(1, sizeof(*srv));
    if (!srv) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    srv->listen_fd = -1;
    srv->accept_wake[0] = srv->accept_wake[1] = -1;
    pthread_mutex_init(&srv->workers_lock, NULL);
    pthread_mutex_init(&srv->slow_lock, NULL);
    pthread_cond_init(&srv->slow_cond, NULL);
    srv->cfg = *cfg;
    srv->bind = strdup(bind);
    srv->index_dir = strdup(cfg->index_dir);
    srv->web_dir = strdup(cfg->web_dir ? cfg->web_dir : default_web_dir());
    srv->access_log_path = cfg->access_log ? strdup(cfg->access_log) : NULL;
    if (!srv->bind || !srv->index_dir || !srv->web_dir || (cfg->access_log && !srv->access_log_path)) {
        snprintf(err, errlen, "out of memory");
        free_server(srv);
        return -1;
    }
    srv->cfg.bind = srv->bind;
    srv->cfg.index_dir = srv->index_dir;
    srv->cfg.web_dir = srv->web_dir;
    srv->cfg.access_log = srv->access_log_path;
    srv->limits = (sd_limits){cfg->max_per_page, cfg->max_depth, cfg->max_query_len,
                              cfg->csv_max_rows, cfg->max_similar, cfg->exact_facets};
    sd_metrics_init(&srv->metrics);
    if (pthread_key_create(&srv->worker_key, NULL) != 0) {
        snprintf(err, errlen, "cannot create thread key");
        free_server(srv);
        return -1;
    }
    srv->have_key = 1;
    if (srv->access_log_path &&
        sd_access_log_open(srv->access_log_path, &srv->log, err, errlen) < 0) {
        free_server(srv);
        return -1;
    }

    if (cfg->port != 0)
        set_url(srv, ipv6, bind, cfg->port);   /* before any request can ask */
    /* The slow pool, before any worker can look at it; without a thread
     * of it, slow routes run on the workers. */
    while (srv->slow_nthreads < SD_SLOW_THREADS &&
           pthread_create(&srv->slow_threads[srv->slow_nthreads], NULL, slow_thread, srv) == 0)
        srv->slow_nthreads++;
    socklen_t addrlen = ipv6 ? sizeof addr.in6 : sizeof addr.in4;
    srv->listen_fd = open_listener(&addr.sa, addrlen, ipv6);
    if (srv->listen_fd < 0 || pipe2(srv->accept_wake, O_CLOEXEC) < 0) {
        snprintf(err, errlen, "cannot listen on %s port %u: %s", bind, cfg->port, strerror(errno));
        abandon_start(srv);
        return -1;
    }
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
                     MHD_USE_NO_LISTEN_SOCKET | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
    srv->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, srv,
        MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, srv,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg->threads,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)cfg->max_connections,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)cfg->max_per_ip,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->timeout,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)cfg->connection_memory,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, srv,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
        MHD_OPTION_END);
    if (!srv->daemon) {
        snprintf(err, errlen, "cannot serve on %s port %u: %s", bind, cfg->port,
                 errno ? strerror(errno) : "libmicrohttpd refused the options");
        abandon_start(srv);
        return -1;
    }
    struct sockaddr_storage bound;
    socklen_t blen = sizeof bound;
    srv->port = cfg->port;
    if (getsockname(srv->listen_fd, (struct sockaddr *)&bound, &blen) == 0)
        srv->port = ntohs(bound.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&bound)->sin6_port
                                                      : ((struct sockaddr_in *)&bound)->sin_port);
    if (cfg->port == 0)
        set_url(srv, ipv6, bind, srv->port);
    if (pthread_create(&srv->accept_thread, NULL, accept_thread, srv) != 0) {
        snprintf(err, errlen, "cannot start the thread accepting connections");
        abandon_start(srv);
        return -1;
    }
    srv->accept_started = 1;
    /* Without the helper thread, searches count on their own thread. */
    if (cfg->assist)
        srv->assist_started = secstd_assist_enable(srv->index_dir, others_in_flight, srv) == 1;
    *out = srv;
    return 0;
}

int searchd_reload(searchd_server *srv)
{
    atomic_fetch_add(&srv->reload_epoch, 1);
    if (srv->assist_started)
        secstd_assist_reopen();
    return sd_access_log_reopen(srv->log);
}

void searchd_stop(searchd_server *srv)
{
    if (!srv)
        return;
    sd_overlap_cache_clear();
    if (srv->daemon) {
        atomic_store(&srv->draining, 1);
        /* No new connections from here: closed, they are refused at once
         * instead of waiting in the backlog until the daemon stops. */
        stop_listener(srv);
        struct timespec step = {0, 20 * 1000 * 1000};
        for (unsigned waited = 0; waited < srv->cfg.drain_seconds * 50u; waited++) {
            if (atomic_load(&srv->in_flight) == 0)
                break;
            nanosleep(&step, NULL);
        }
        /* The slow pool answers what it holds and stops, so no connection
         * stays suspended (and no resume comes) once the daemon is gone. */
        stop_slow_pool(srv);
        /* The pool's last answers are queued by the workers after their
         * connections resume: give them a moment to go out. */
        for (unsigned waited = 0; waited < 100; waited++) {
            if (atomic_load(&srv->in_flight) == 0)
                break;
            nanosleep(&step, NULL);
        }
        MHD_stop_daemon(srv->daemon);
    }
    if (srv->assist_started)
        secstd_assist_disable();
    free_server(srv);
}
