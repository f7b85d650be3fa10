/* fetch.h — the fetch layer: gets one listing document over HTTP(S) or
 * file:// with libcurl, politely and defensively, and keeps the crawl
 * state (conditional-GET validators and body digests) between runs.
 *
 * Polite: an honest User-Agent with a contact URL, robots.txt honoured
 * (fetched once per host per fetcher), a delay between requests to the
 * same host, conditional GET (If-None-Match / If-Modified-Since), gzip.
 * Defensive: connect and total timeouts, a low-speed limit (a slow drip is
 * a failure, not a hang), bounded redirects (http/https only), a maximum
 * body size enforced on the DECODED bytes (a gzip bomb stops at the limit),
 * truncation detection (Content-Length vs bytes received), bounded retries
 * with exponential backoff and jitter on timeouts, dropped connections,
 * 5xx, 408 and 429 (Retry-After honoured up to a cap).
 *
 * The fetcher never touches records; the crawl driver (crawl.h) decides
 * what a result means for a source. Nothing here prints. */
#ifndef SECSTD_FETCH_H
#define SECSTD_FETCH_H

#include <jansson.h>
#include <stddef.h>

#include "status.h"

/* Limits and manners. secstd_fetch_options_default() fills the documented
 * defaults (docs/CONFIG.md, [crawl] section). */
typedef struct secstd_fetch_options {
    const char *user_agent;     /* whole User-Agent header (borrowed) */
    long connect_timeout_ms;    /* TCP+TLS connect, per attempt */
    long timeout_ms;            /* whole transfer, per attempt */
    long low_speed_limit;       /* bytes/s below which ... */
    long low_speed_time;        /* ... for this many seconds aborts */
    long max_redirects;         /* redirects followed (http/https only) */
    size_t max_body;            /* decoded body bytes */
    int retries;                /* extra attempts after the first */
    long retry_base_ms;         /* first backoff; doubles per attempt */
    long retry_max_ms;          /* backoff ceiling */
    long retry_after_max_s;     /* longest Retry-After we wait; longer fails */
    long host_delay_ms;         /* minimum gap between requests to a host */
    int robots;                 /* honour robots.txt for http(s) */
    /* Called before waiting for another attempt (progress for people): the
     * URL, the attempt about to be made, of how many, the wait, and why the
     * last one failed. NULL: nothing called. */
    void (*on_retry)(void *ctx, const char *url, int next_attempt, int max_attempts,
                     long long wait_ms, const char *reason);
    void *on_retry_ctx;
    /* Called every transfer_note_ms (10 s) while an http(s) attempt runs
     * (progress for people: a slow or stalled source is not silent): the
     * URL, bytes received so far, the expected total (0 when unknown) and
     * the seconds since the attempt began. NULL: nothing called. */
    void (*on_transfer)(void *ctx, const char *url, long long received, long long total,
                        double seconds);
    void *on_transfer_ctx;
    long transfer_note_ms;
} secstd_fetch_options;

void secstd_fetch_options_default(secstd_fetch_options *o);

/* Default User-Agent product token (robots.txt groups are matched on it). */
#define SECSTD_FETCH_AGENT "secstd"
/* Largest robots.txt read (RFC 9309 asks for at least 500 KiB). */
#define SECSTD_ROBOTS_MAX (512 * 1024)

/* ---- crawl state ------------------------------------------------------
 * A JSON file (DATA/crawl-state.json by default):
 *   {"version": 1,
 *    "urls": {URL: {"etag", "last_modified", "digest", "fetched_at"}},
 *    "sources": {NAME: {"digest", "parser_version", "records", "crawled_at"}}}
 * It is a cache: a missing or unreadable file means "nothing known", which
 * costs one full fetch, never data. Saved atomically (temp, fsync, rename). */
typedef struct secstd_crawl_state secstd_crawl_state;

/* Loads path (kept for save). A missing file gives an empty state; a
 * corrupt one gives an empty state and a message in warn (warn[0] is '\0'
 * otherwise). Returns SECSTD_OK or SECSTD_ERR_NOMEM (*out NULL). */
secstd_status secstd_crawl_state_load(const char *path, secstd_crawl_state **out, char *warn,
                                      size_t warnlen);
/* Writes the state to its path atomically. SECSTD_OK or SECSTD_ERR_IO. */
secstd_status secstd_crawl_state_save(const secstd_crawl_state *s, char *err, size_t errlen);
void secstd_crawl_state_free(secstd_crawl_state *s);
/* Per-URL entry (borrowed object) or NULL. */
json_t *secstd_crawl_state_url(const secstd_crawl_state *s, const char *url);
/* Sets the per-URL entry; NULL or empty strings are omitted. */
secstd_status secstd_crawl_state_set_url(secstd_crawl_state *s, const char *url, const char *etag,
                                         const char *last_modified, const char *digest,
                                         const char *fetched_at);
/* Per-source entry (borrowed object) or NULL. */
json_t *secstd_crawl_state_source(const secstd_crawl_state *s, const char *name);
/* Replaces the per-source entry; takes ownership of entry. */
secstd_status secstd_crawl_state_set_source(secstd_crawl_state *s, const char *name, json_t *entry);

/* ---- fetching --------------------------------------------------------- */
typedef struct secstd_fetcher secstd_fetcher;

/* A fetcher with a copy of o (user_agent copied). NULL on allocation or
 * libcurl initialisation failure. */
secstd_fetcher *secstd_fetcher_new(const secstd_fetch_options *o);
void secstd_fetcher_free(secstd_fetcher *f);

typedef struct secstd_fetch_request {
    const char *url;            /* http://, https:// or file:// */
    const char *etag;           /* If-None-Match, or NULL */
    const char *last_modified;  /* If-Modified-Since, or NULL */
    const char *accept;         /* Accept header, or NULL for any */
    const char *reject_types;   /* '|'-separated media types refused, e.g.
                                   "text/html" for a JSON listing: an error
                                   page or captive portal is not a listing */
} secstd_fetch_request;

typedef struct secstd_fetch_result {
    secstd_status status;       /* same as the return value */
    char reason[512];           /* one line: what failed and where */
    long http_code;             /* last HTTP status (0 for file:// / none) */
    int attempts;               /* requests made for this URL */
    char *body;                 /* decoded bytes + NUL; NULL unless OK */
    size_t len;
    char *effective_url;        /* after redirects */
    char *etag;                 /* validators of the response, or NULL */
    char *last_modified;
    char *content_type;         /* as served, or NULL */
    char digest[48];            /* secstd_body_digest() of body when OK */
    char fetched_at[32];        /* UTC ISO 8601 */
} secstd_fetch_result;

/* Fetches req->url into res (cleared first). Returns:
 *   SECSTD_OK             body in res->body;
 *   SECSTD_ERR_UNCHANGED  304 Not Modified to a conditional request;
 *   SECSTD_ERR_NETWORK    connection refused/reset, DNS, TLS, timeout,
 *                         low-speed abort, truncated body (after retries);
 *   SECSTD_ERR_HTTP       4xx/5xx (after retries for 5xx/408/429), redirect
 *                         loop, refused content type, robots.txt disallow;
 *   SECSTD_ERR_TOO_LARGE  decoded body above max_body (gzip bomb included);
 *   SECSTD_ERR_NOT_FOUND  file:// path missing;
 *   SECSTD_ERR_INVALID    malformed URL or unsupported scheme;
 *   SECSTD_ERR_NOMEM.
 * res->reason says what happened in one line (always set on failure).
 * The caller secstd_fetch_result_clear()s res. */
secstd_status secstd_fetch(secstd_fetcher *f, const secstd_fetch_request *req,
                           secstd_fetch_result *res);
void secstd_fetch_result_clear(secstd_fetch_result *res);

/* A change detector for bodies: "fnv1a64:<16 hex>:<length>" into out
 * (>= 48 bytes). Not a security property: it only decides whether a body
 * is the same as last run's. */
void secstd_body_digest(const char *body, size_t len, char *out, size_t outlen);

/* The current time as "YYYY-MM-DDTHH:MM:SSZ". */
void secstd_utc_now(char *out, size_t outlen);

#endif
