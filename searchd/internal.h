/* internal.h — what the server core (server.c) shares with the route
 * handlers (handlers.c, web.c): the per-request state, the response
 * helpers every handler answers through (they add the security and cache
 * headers, count bytes and status for the log and metrics), and access to
 * the calling worker's index handle. Not installed, not public. */
#ifndef SEARCHD_INTERNAL_H
#define SEARCHD_INTERNAL_H

#include <jansson.h>
#include <microhttpd.h>
#include <stddef.h>
#include <time.h>

#include "index.h"
#include "metrics.h"
#include "params.h"
#include "server.h"

/* One HTTP request, from the request line to the completion callback. */
typedef struct sd_request {
    searchd_server *srv;
    struct MHD_Connection *conn;
    char *raw_uri;            /* request target as sent (cut at max_url + 1) */
    size_t raw_uri_len;       /* its full length */
    const char *method;
    const char *version;
    const char *path;         /* percent-decoded path (libmicrohttpd's url) */
    const char *capture;      /* the {id}/{path} part of a pattern route */
    size_t capture_len;
    sd_arg *args;
    size_t nargs;
    sd_route_id route;
    unsigned status;          /* 0 until a response is queued */
    long long bytes;          /* body bytes queued (or streamed so far) */
    int args_cut;             /* query string dropped before parsing (414) */
    int seen;                 /* the access handler was called once */
    int handled;              /* the handler ran (later calls only drain the body) */
    enum MHD_Result queued;   /* result of queuing the response */
    struct timespec start;
    /* A slow route runs on the slow pool (server.c) while its connection
     * is suspended: its response is kept here and queued on resume. */
    enum MHD_Result (*slow_handler)(struct sd_request *rq);
    int offloaded;            /* running or ran on the slow pool */
    struct MHD_Response *deferred;
    unsigned deferred_status;
    struct sd_request *next_slow;   /* the pool's queue */
    char client[48];          /* client address of an offloaded request (its share) */
    unsigned retry_after;     /* Retry-After of a 503, seconds (0: 5) */
    json_t *sent_body;        /* the JSON of the response queued, released
                                 once it is sent (on_completed) */
} sd_request;

/* The limits handlers apply (from the server's configuration). */
const sd_limits *sd_server_limits(const searchd_server *srv);
const searchd_config *sd_server_config(const searchd_server *srv);
sd_metrics *sd_server_metrics(searchd_server *srv);

/* The calling worker's index, refreshed to the current generation. On
 * failure answers 503 itself and returns NULL (the handler then returns
 * rq->queued). */
secstd_index *sd_request_index(sd_request *rq);

/* Cache policies of responses. */
typedef enum sd_cache {
    SD_CACHE_NONE,      /* no-store: health, metrics, errors */
    SD_CACHE_API,       /* no-cache: data that changes with each generation */
    SD_CACHE_STATIC,    /* public, a few minutes: page assets */
} sd_cache;

/* Queues resp with status and the common headers; takes resp. Returns the
 * libmicrohttpd result to hand back. */
enum MHD_Result sd_respond(sd_request *rq, unsigned status, struct MHD_Response *resp,
                           const char *content_type, sd_cache cache);
/* Queues data (copied) as the body. */
enum MHD_Result sd_respond_data(sd_request *rq, unsigned status, const char *content_type,
                                sd_cache cache, const char *data, size_t len);
/* Queues body as compact JSON; takes the reference. */
enum MHD_Result sd_respond_json(sd_request *rq, unsigned status, json_t *body, sd_cache cache);
/* Queues {"error":{"code","message","parameter"?}}. */
enum MHD_Result sd_respond_error(sd_request *rq, const sd_error *e);
enum MHD_Result sd_respond_errorf(sd_request *rq, unsigned code, const char *param,
                                  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Maps a secstd_status from the index or query module to an HTTP answer. */
enum MHD_Result sd_respond_status(sd_request *rq, int status, const char *param,
                                  const char *detail);

/* Route handlers (handlers.c: JSON API and CSV; web.c: page, assets,
 * OpenSearch, health, metrics). */
enum MHD_Result sd_handle_search(sd_request *rq);
enum MHD_Result sd_handle_standard(sd_request *rq);
enum MHD_Result sd_handle_similar(sd_request *rq);
enum MHD_Result sd_handle_areas(sd_request *rq);
enum MHD_Result sd_handle_coverage(sd_request *rq);
enum MHD_Result sd_handle_overlap(sd_request *rq);
enum MHD_Result sd_handle_changes(sd_request *rq);
enum MHD_Result sd_handle_changes_atom(sd_request *rq);
/* secstd_index_overlap(), answered from a per-generation cache when the
 * same (area, limit) was asked before (overlap_cache.c). */
secstd_status sd_overlap_cached(secstd_index *idx, const char *area, unsigned limit, json_t **out);
void sd_overlap_cache_clear(void);
/* The checked area/limit of an overlap request and its clusters (0), or -1
 * with *answer the queued error response (handlers.c). */
int sd_overlap_from_args(sd_request *rq, unsigned default_limit, json_t **out,
                         enum MHD_Result *answer);
struct secstd_changes_filter;
int sd_changes_filter_from_args(sd_request *rq, struct secstd_changes_filter *f, const char **areas,
                                const char **sdos, enum MHD_Result *answer);
enum MHD_Result sd_handle_csv(sd_request *rq);
/* export.c: liaison-statement CSV of the coverage map and of one area's
 * overlap clusters. */
enum MHD_Result sd_handle_coverage_csv(sd_request *rq);
enum MHD_Result sd_handle_overlap_csv(sd_request *rq);
/* 400 "unknown area 'value'; valid areas: ..." naming param. */
enum MHD_Result sd_respond_unknown_area(sd_request *rq, const char *param, const char *value);
enum MHD_Result sd_handle_healthz(sd_request *rq);
enum MHD_Result sd_handle_metrics(sd_request *rq);
enum MHD_Result sd_handle_opensearch(sd_request *rq);
enum MHD_Result sd_handle_page(sd_request *rq);
enum MHD_Result sd_handle_static(sd_request *rq);

/* Web assets: content type of a file name by extension, NULL when the
 * extension is not served. */
const char *sd_web_content_type(const char *name);
/* 1 if name is a file name we serve from the web directory: [A-Za-z0-9._-],
 * no leading dot, no "..", no '/', at most 64 bytes. */
int sd_web_name_ok(const char *name, size_t len);

#endif
