/* fetch.c — the libcurl fetch layer of fetch.h and the crawl-state file.
 *
 * One easy handle per fetcher, reused (connection reuse per host). Each
 * request is a loop of attempts; an attempt's outcome is classified as
 * success, retryable (timeouts, dropped connections, truncation, 5xx, 408,
 * 429) or final, and retryable ones wait an exponential backoff with
 * jitter, or the server's Retry-After when it is within the cap. The body
 * size limit is checked in the write callback, which sees bytes after
 * content decoding, so it bounds what a compressed body inflates to. */
#include "fetch.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define MAX_HOSTS 256          /* per-host memory (delay, robots) per run */
#define MAX_ROBOT_RULES 2048
#define MAX_HEADER_VALUE 1024

/* ---- small helpers ---------------------------------------------------- */

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long long ms)
{
    if (ms <= 0)
        return;
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

void secstd_utc_now(char *out, size_t outlen)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void secstd_body_digest(const char *body, size_t len, char *out, size_t outlen)
{
    uint64_t h = 14695981039346656037ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)body[i];
        h *= 1099511628211ULL;
    }
    snprintf(out, outlen, "fnv1a64:%016llx:%zu", (unsigned long long)h, len);
}

void secstd_fetch_options_default(secstd_fetch_options *o)
{
    memset(o, 0, sizeof *o);
    o->user_agent = SECSTD_FETCH_AGENT "/0.1";
    o->connect_timeout_ms = 15000;
    o->timeout_ms = 300000;
    o->low_speed_limit = 100;
    o->low_speed_time = 30;
    o->max_redirects = 5;
    o->max_body = (size_t)64 * 1024 * 1024;
    o->retries = 3;
    o->transfer_note_ms = 10000;
    o->retry_base_ms = 2000;
    o->retry_max_ms = 60000;
    o->retry_after_max_s = 300;
    o->host_delay_ms = 1000;
    o->robots = 1;
}

/* ---- crawl state ------------------------------------------------------ */

struct secstd_crawl_state {
    char *path;
    json_t *root;   /* {"version":1,"urls":{},"sources":{}} */
};

static json_t *state_skeleton(void)
{
    return json_pack("{s:i, s:{}, s:{}}", "version", 1, "urls", "sources");
}

secstd_status secstd_crawl_state_load(const char *path, secstd_crawl_state **out, char *warn,
                                      size_t warnlen)
{
    *out = NULL;
    if (warnlen)
        warn[0] = '\0';
    secstd_crawl_state *s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(path))) {
        free(s);
        return SECSTD_ERR_NOMEM;
    }
    json_error_t jerr;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (root && (!json_is_object(json_object_get(root, "urls")) ||
                 !json_is_object(json_object_get(root, "sources")))) {
        json_decref(root);
        root = NULL;
        snprintf(jerr.text, sizeof jerr.text, "not a crawl-state object");
        jerr.line = 1;
    }
    if (!root) {
        if (access(path, F_OK) == 0 && warnlen)
            snprintf(warn, warnlen, "%s:%d: %s; starting from an empty crawl state", path, jerr.line,
                     jerr.text);
        root = state_skeleton();
    }
    if (!root) {
        free(s->path);
        free(s);
        return SECSTD_ERR_NOMEM;
    }
    s->root = root;
    *out = s;
    return SECSTD_OK;
}

void secstd_crawl_state_free(secstd_crawl_state *s)
{
    if (!s)
        return;
    json_decref(s->root);
    free(s->path);
    free(s);
}

secstd_status secstd_crawl_state_save(const secstd_crawl_state *s, char *err, size_t errlen)
{
    char *tmp = NULL;
    size_t n = strlen(s->path) + 32;
    if (!(tmp = malloc(n)))
        return SECSTD_ERR_NOMEM;
    snprintf(tmp, n, "%s.tmp.%ld", s->path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
        free(tmp);
        return SECSTD_ERR_IO;
    }
    int bad = json_dumpfd(s->root, fd, JSON_INDENT(1) | JSON_SORT_KEYS) != 0 ||
              write(fd, "\n", 1) != 1 || fsync(fd) != 0;
    bad |= close(fd) != 0;
    if (bad || rename(tmp, s->path) != 0) {
        snprintf(err, errlen, "%s: %s", s->path, strerror(errno));
        unlink(tmp);
        free(tmp);
        return SECSTD_ERR_IO;
    }
    free(tmp);
    return SECSTD_OK;
}

json_t *secstd_crawl_state_url(const secstd_crawl_state *s, const char *url)
{
    return json_object_get(json_object_get(s->root, "urls"), url);
}

static void set_str(json_t *obj, const char *key, const char *v)
{
    if (v && *v)
        json_object_set_new(obj, key, json_string(v));
}

secstd_status secstd_crawl_state_set_url(secstd_crawl_state *s, const char *url, const char *etag,
                                         const char *last_modified, const char *digest,
                                         const char *fetched_at)
{
    json_t *e = json_object();
    if (!e)
        return SECSTD_ERR_NOMEM;
    set_str(e, "etag", etag);
    set_str(e, "last_modified", last_modified);
    set_str(e, "digest", digest);
    set_str(e, "fetched_at", fetched_at);
    return json_object_set_new(json_object_get(s->root, "urls"), url, e) == 0 ? SECSTD_OK
                                                                              : SECSTD_ERR_NOMEM;
}

json_t *secstd_crawl_state_source(const secstd_crawl_state *s, const char *name)
{
    return json_object_get(json_object_get(s->root, "sources"), name);
}

secstd_status secstd_crawl_state_set_source(secstd_crawl_state *s, const char *name, json_t *entry)
{
    return json_object_set_new(json_object_get(s->root, "sources"), name, entry) == 0
               ? SECSTD_OK
               : SECSTD_ERR_NOMEM;
}

/* ---- robots.txt ------------------------------------------------------- */

typedef struct robot_rule {
    int allow;
    char *pattern;
} robot_rule;

typedef struct host_info {
    char *origin;            /* "scheme://host:port" */
    long long last_ms;       /* end of the last request, monotonic */
    int robots_known;
    robot_rule *rules;
    size_t nrules;
} host_info;

struct secstd_fetcher {
    secstd_fetch_options o;
    char *user_agent;
    char agent_token[64];
    CURL *curl;
    host_info hosts[MAX_HOSTS];
    size_t nhosts;
    unsigned seed;
};

/* Matches path against a robots pattern with '*' and a final '$'. */
static int robots_match(const char *pat, const char *path)
{
    if (*pat == '\0')
        return 1;
    if (pat[0] == '$' && pat[1] == '\0')
        return *path == '\0';
    if (*pat == '*') {
        for (const char *p = path;; p++) {
            if (robots_match(pat + 1, p))
                return 1;
            if (*p == '\0')
                return 0;
        }
    }
    return *path == *pat && robots_match(pat + 1, path + 1);
}

/* Pattern length without wildcards decides precedence (RFC 9309 2.2.2). */
static int robots_allowed(const host_info *h, const char *path)
{
    size_t best = 0;
    int allow = 1, any = 0;
    for (size_t i = 0; i < h->nrules; i++) {
        const robot_rule *r = &h->rules[i];
        if (!robots_match(r->pattern, path))
            continue;
        size_t len = strlen(r->pattern);
        if (!any || len > best || (len == best && r->allow)) {
            best = len;
            allow = r->allow;
            any = 1;
        }
    }
    return allow;
}

static void free_rules(host_info *h)
{
    for (size_t i = 0; i < h->nrules; i++)
        free(h->rules[i].pattern);
    free(h->rules);
    h->rules = NULL;
    h->nrules = 0;
}

/* Keeps the rules of the groups for our agent token, or of '*' when no
 * group names us. Consecutive user-agent lines form one group. */
static void robots_parse(host_info *h, const char *txt, size_t len, const char *agent)
{
    for (int pass = 0; pass < 2; pass++) {
        /* pass 0: our token; pass 1: '*' */
        const char *p = txt, *end = txt + len;
        int in_group = 0, group_matches = 0, last_was_agent = 0, found = 0;
        while (p < end) {
            const char *eol = memchr(p, '\n', (size_t)(end - p));
            if (!eol)
                eol = end;
            const char *hash = memchr(p, '#', (size_t)(eol - p));
            const char *lend = hash ? hash : eol;
            const char *colon = memchr(p, ':', (size_t)(lend - p));
            if (colon) {
                const char *k = p;
                while (k < colon && (*k == ' ' || *k == '\t'))
                    k++;
                size_t klen = (size_t)(colon - k);
                while (klen && (k[klen - 1] == ' ' || k[klen - 1] == '\t'))
                    klen--;
                const char *v = colon + 1;
                while (v < lend && (*v == ' ' || *v == '\t'))
                    v++;
                const char *vend = lend;
                while (vend > v && (vend[-1] == ' ' || vend[-1] == '\t' || vend[-1] == '\r'))
                    vend--;
                size_t vlen = (size_t)(vend - v);
                if (klen == 10 && strncasecmp(k, "user-agent", 10) == 0) {
                    if (!last_was_agent)
                        group_matches = 0;
                    in_group = 1;
                    last_was_agent = 1;
                    if (pass == 0 ? (vlen == strlen(agent) && strncasecmp(v, agent, vlen) == 0)
                                  : (vlen == 1 && *v == '*'))
                        group_matches = 1;
                } else if (in_group && ((klen == 5 && strncasecmp(k, "allow", 5) == 0) ||
                                        (klen == 8 && strncasecmp(k, "disallow", 8) == 0))) {
                    last_was_agent = 0;
                    if (group_matches) {
                        found = 1;
                        if (vlen && h->nrules < MAX_ROBOT_RULES && vlen < 2048) {
                            robot_rule *grown = realloc(h->rules, (h->nrules + 1) * sizeof *grown);
                            char *pat = strndup(v, vlen);
                            if (grown)
                                h->rules = grown;
                            if (grown && pat) {
                                h->rules[h->nrules].allow = klen == 5;
                                h->rules[h->nrules].pattern = pat;
                                h->nrules++;
                            } else {
                                free(pat);
                            }
                        }
                    }
                } else {
                    last_was_agent = 0;
                }
            }
            p = eol < end ? eol + 1 : end;
        }
        if (found || pass == 1)
            return;
    }
}

/* ---- one transfer ----------------------------------------------------- */

typedef struct transfer {
    char *buf;
    size_t len, cap, max;
    int too_large;
    char etag[MAX_HEADER_VALUE];
    char last_modified[MAX_HEADER_VALUE];
    char retry_after[128];
    /* progress notes (on_transfer) */
    const secstd_fetcher *f;
    const char *url;
    long long started_ms, noted_ms;
} transfer;

/* libcurl's progress callback: a note every transfer_note_ms. */
static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    (void)ultotal;
    (void)ulnow;
    transfer *t = ud;
    long long now = now_ms();
    if (now - t->noted_ms >= t->f->o.transfer_note_ms) {
        t->noted_ms = now;
        t->f->o.on_transfer(t->f->o.on_transfer_ctx, t->url, (long long)dlnow, (long long)dltotal,
                            (double)(now - t->started_ms) / 1000.0);
    }
    return 0;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
    transfer *t = ud;
    size_t n = size * nmemb;
    if (n > t->max - t->len) {
        t->too_large = 1;
        return 0;   /* CURLE_WRITE_ERROR stops the transfer */
    }
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 64 * 1024;
        while (cap < t->len + n + 1)
            cap *= 2;
        if (cap > t->max + 1)
            cap = t->max + 1;
        char *grown = realloc(t->buf, cap);
        if (!grown)
            return 0;
        t->buf = grown;
        t->cap = cap;
    }
    memcpy(t->buf + t->len, data, n);
    t->len += n;
    return n;
}

static void header_value(const char *line, size_t n, size_t namelen, char *out, size_t outlen)
{
    const char *v = line + namelen;
    const char *end = line + n;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
        end--;
    size_t len = (size_t)(end - v);
    if (len >= outlen)
        len = outlen - 1;   /* bounded: an absurd header is cut, not grown */
    memcpy(out, v, len);
    out[len] = '\0';
}

static size_t on_header(char *line, size_t size, size_t nmemb, void *ud)
{
    transfer *t = ud;
    size_t n = size * nmemb;
    if (n >= 5 && strncmp(line, "HTTP/", 5) == 0) {
        /* a new response (after a redirect or 100): forget the last one's */
        t->etag[0] = t->last_modified[0] = t->retry_after[0] = '\0';
    } else if (n > 5 && strncasecmp(line, "etag:", 5) == 0) {
        header_value(line, n, 5, t->etag, sizeof t->etag);
    } else if (n > 14 && strncasecmp(line, "last-modified:", 14) == 0) {
        header_value(line, n, 14, t->last_modified, sizeof t->last_modified);
    } else if (n > 12 && strncasecmp(line, "retry-after:", 12) == 0) {
        header_value(line, n, 12, t->retry_after, sizeof t->retry_after);
    }
    return n;
}

secstd_fetcher *secstd_fetcher_new(const secstd_fetch_options *o)
{
    static int curl_ready;
    if (!curl_ready) {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
            return NULL;
        curl_ready = 1;
    }
    secstd_fetcher *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->o = *o;
    f->user_agent = strdup(o->user_agent ? o->user_agent : SECSTD_FETCH_AGENT);
    f->curl = curl_easy_init();
    if (!f->user_agent || !f->curl) {
        secstd_fetcher_free(f);
        return NULL;
    }
    f->o.user_agent = f->user_agent;
    /* robots.txt groups are matched on the product token: "secstd/0.1 (+url)" -> "secstd" */
    size_t k = 0;
    for (const char *p = f->user_agent; *p && *p != '/' && *p != ' ' && k + 1 < sizeof f->agent_token; p++)
        f->agent_token[k++] = *p;
    f->agent_token[k] = '\0';
    f->seed = (unsigned)time(NULL) ^ (unsigned)getpid();
    return f;
}

void secstd_fetcher_free(secstd_fetcher *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->nhosts; i++) {
        free(f->hosts[i].origin);
        free_rules(&f->hosts[i]);
    }
    if (f->curl)
        curl_easy_cleanup(f->curl);
    free(f->user_agent);
    free(f);
}

void secstd_fetch_result_clear(secstd_fetch_result *res)
{
    free(res->body);
    free(res->effective_url);
    free(res->etag);
    free(res->last_modified);
    free(res->content_type);
    memset(res, 0, sizeof *res);
}

/* Splits url into origin ("scheme://host:port"), scheme and path+query. */
typedef struct url_parts {
    char *scheme, *origin, *path;
} url_parts;

static void url_parts_free(url_parts *u)
{
    curl_free(u->scheme);
    free(u->origin);
    free(u->path);
    memset(u, 0, sizeof *u);
}

static int url_split(const char *url, url_parts *out)
{
    memset(out, 0, sizeof *out);
    CURLU *h = curl_url();
    if (!h)
        return -1;
    char *host = NULL, *port = NULL, *path = NULL, *query = NULL;
    int rc = -1;
    if (curl_url_set(h, CURLUPART_URL, url, 0) != CURLUE_OK ||
        curl_url_get(h, CURLUPART_SCHEME, &out->scheme, 0) != CURLUE_OK)
        goto done;
    curl_url_get(h, CURLUPART_HOST, &host, 0);
    curl_url_get(h, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT);
    curl_url_get(h, CURLUPART_PATH, &path, 0);
    curl_url_get(h, CURLUPART_QUERY, &query, 0);
    size_t n = strlen(out->scheme) + (host ? strlen(host) : 0) + (port ? strlen(port) : 0) + 8;
    out->origin = malloc(n);
    size_t pn = (path ? strlen(path) : 1) + (query ? strlen(query) + 1 : 0) + 2;
    out->path = malloc(pn);
    if (!out->origin || !out->path)
        goto done;
    snprintf(out->origin, n, "%s://%s%s%s", out->scheme, host ? host : "", port ? ":" : "",
             port ? port : "");
    snprintf(out->path, pn, "%s%s%s", path && *path ? path : "/", query ? "?" : "", query ? query : "");
    rc = 0;
done:
    curl_free(host);
    curl_free(port);
    curl_free(path);
    curl_free(query);
    curl_url_cleanup(h);
    if (rc != 0)
        url_parts_free(out);
    return rc;
}

static host_info *host_get(secstd_fetcher *f, const char *origin)
{
    for (size_t i = 0; i < f->nhosts; i++)
        if (strcmp(f->hosts[i].origin, origin) == 0)
            return &f->hosts[i];
    if (f->nhosts == MAX_HOSTS) {
        /* forget the oldest host rather than grow without bound */
        free(f->hosts[0].origin);
        free_rules(&f->hosts[0]);
        memmove(&f->hosts[0], &f->hosts[1], (MAX_HOSTS - 1) * sizeof f->hosts[0]);
        f->nhosts--;
    }
    host_info *h = &f->hosts[f->nhosts];
    memset(h, 0, sizeof *h);
    if (!(h->origin = strdup(origin)))
        return NULL;
    f->nhosts++;
    return h;
}

static void polite_wait(secstd_fetcher *f, host_info *h)
{
    if (h && h->last_ms && f->o.host_delay_ms > 0)
        sleep_ms(h->last_ms + f->o.host_delay_ms - now_ms());
}

typedef enum attempt_kind { ATTEMPT_OK, ATTEMPT_RETRY, ATTEMPT_FINAL } attempt_kind;

/* Runs one GET with the fetcher's options. */
static CURLcode perform(secstd_fetcher *f, const char *url, const secstd_fetch_request *req,
                        size_t max, transfer *t, char *errbuf, int protocols_http_only)
{
    CURL *c = f->curl;
    curl_easy_reset(c);
    struct curl_slist *hdrs = NULL, *tmp;
    char line[MAX_HEADER_VALUE + 32];
    if (req && req->etag && *req->etag) {
        snprintf(line, sizeof line, "If-None-Match: %s", req->etag);
        if ((tmp = curl_slist_append(hdrs, line)))
            hdrs = tmp;
    }
    if (req && req->last_modified && *req->last_modified) {
        snprintf(line, sizeof line, "If-Modified-Since: %s", req->last_modified);
        if ((tmp = curl_slist_append(hdrs, line)))
            hdrs = tmp;
    }
    if (req && req->accept && *req->accept) {
        snprintf(line, sizeof line, "Accept: %s", req->accept);
        if ((tmp = curl_slist_append(hdrs, line)))
            hdrs = tmp;
    }
    t->max = max;
    if (req && f->o.on_transfer) {
        t->f = f;
        t->url = url;
        t->started_ms = t->noted_ms = now_ms();
        curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
        curl_easy_setopt(c, CURLOPT_XFERINFODATA, t);
        curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    }
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, protocols_http_only ? "http,https" : "http,https,file");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, f->o.max_redirects);
    curl_easy_setopt(c, CURLOPT_USERAGENT, f->user_agent);
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, f->o.connect_timeout_ms);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, f->o.timeout_ms);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, f->o.low_speed_limit);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, f->o.low_speed_time);
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, t);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, t);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    errbuf[0] = '\0';
    CURLcode rc = curl_easy_perform(c);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all(hdrs);
    return rc;
}

/* Fetches robots.txt for origin once; failures other than a 2xx answer
 * mean "no rules" (a missing robots.txt allows everything; an unreachable
 * host will fail the real request with the real reason). */
static void robots_load(secstd_fetcher *f, host_info *h)
{
    h->robots_known = 1;
    size_t n = strlen(h->origin) + 16;
    char *url = malloc(n);
    if (!url)
        return;
    snprintf(url, n, "%s/robots.txt", h->origin);
    transfer t = {0};
    char errbuf[CURL_ERROR_SIZE];
    polite_wait(f, h);
    CURLcode rc = perform(f, url, NULL, SECSTD_ROBOTS_MAX, &t, errbuf, 1);
    h->last_ms = now_ms();
    long code = 0;
    curl_easy_getinfo(f->curl, CURLINFO_RESPONSE_CODE, &code);
    if (rc == CURLE_OK && code >= 200 && code < 300 && t.buf)
        robots_parse(h, t.buf, t.len, f->agent_token);
    free(t.buf);
    free(url);
}

/* Seconds from a Retry-After value (delta-seconds or HTTP-date), or -1. */
static long parse_retry_after(const char *v)
{
    if (!*v)
        return -1;
    char *end;
    errno = 0;
    long s = strtol(v, &end, 10);
    if (end != v && *end == '\0' && !errno)
        return s < 0 ? 0 : s;
    time_t when = curl_getdate(v, NULL);
    if (when == (time_t)-1)
        return -1;
    long d = (long)(when - time(NULL));
    return d < 0 ? 0 : d;
}

static long long backoff_ms(secstd_fetcher *f, int attempt)
{
    long long d = f->o.retry_base_ms;
    for (int i = 1; i < attempt && d < f->o.retry_max_ms; i++)
        d *= 2;
    if (d > f->o.retry_max_ms)
        d = f->o.retry_max_ms;
    /* full jitter on the upper half: spreads synchronised crawlers apart */
    return d / 2 + (d > 1 ? (long long)(rand_r(&f->seed) % (unsigned)(d / 2 + 1)) : 0);
}

static char *dup_or_null(const char *s) { return s && *s ? strdup(s) : NULL; }

/* 1 if the media type of content_type is in the '|'-list. */
static int type_listed(const char *content_type, const char *list)
{
    if (!content_type || !list)
        return 0;
    size_t tlen = strcspn(content_type, "; \t");
    const char *p = list;
    while (*p) {
        size_t n = strcspn(p, "|");
        if (n == tlen && strncasecmp(p, content_type, n) == 0)
            return 1;
        p += n;
        if (*p == '|')
            p++;
    }
    return 0;
}

static attempt_kind classify(secstd_fetcher *f, const secstd_fetch_request *req, CURLcode rc,
                             const transfer *t, const char *errbuf, int is_file,
                             secstd_fetch_result *res)
{
    const char *detail = *errbuf ? errbuf : curl_easy_strerror(rc);
    switch (rc) {
    case CURLE_OK:
        break;
    case CURLE_WRITE_ERROR:
    case CURLE_FILESIZE_EXCEEDED:
        if (t->too_large || rc == CURLE_FILESIZE_EXCEEDED) {
            res->status = SECSTD_ERR_TOO_LARGE;
            snprintf(res->reason, sizeof res->reason,
                     "body larger than max_body (%zu bytes after decoding)", f->o.max_body);
        } else {
            res->status = SECSTD_ERR_NOMEM;
            snprintf(res->reason, sizeof res->reason, "out of memory storing the body");
        }
        return ATTEMPT_FINAL;
    case CURLE_TOO_MANY_REDIRECTS:
        res->status = SECSTD_ERR_HTTP;
        snprintf(res->reason, sizeof res->reason, "redirect loop: more than %ld redirects",
                 f->o.max_redirects);
        return ATTEMPT_FINAL;
    case CURLE_FILE_COULDNT_READ_FILE:
        res->status = SECSTD_ERR_NOT_FOUND;
        snprintf(res->reason, sizeof res->reason, "no such file: %s", detail);
        return ATTEMPT_FINAL;
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
        res->status = SECSTD_ERR_INVALID;
        snprintf(res->reason, sizeof res->reason, "bad URL: %s", detail);
        return ATTEMPT_FINAL;
    case CURLE_OPERATION_TIMEDOUT:
        res->status = SECSTD_ERR_NETWORK;
        snprintf(res->reason, sizeof res->reason, "%s: %s",
                 strstr(detail, "too slow") ? "too slow (low-speed limit)" : "timed out", detail);
        return ATTEMPT_RETRY;
    case CURLE_PARTIAL_FILE:
        res->status = SECSTD_ERR_NETWORK;
        snprintf(res->reason, sizeof res->reason, "truncated body: %s", detail);
        return ATTEMPT_RETRY;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        /* Not retried: a name that does not resolve now will not resolve
         * in a few seconds either, and an offline machine would otherwise
         * spend minutes backing off on every source. */
        res->status = SECSTD_ERR_NETWORK;
        snprintf(res->reason, sizeof res->reason, "host not found (no network or DNS?): %s", detail);
        return ATTEMPT_FINAL;
    case CURLE_COULDNT_CONNECT:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        res->status = SECSTD_ERR_NETWORK;
        snprintf(res->reason, sizeof res->reason, "%s: %s",
                 rc == CURLE_COULDNT_CONNECT ? "connection failed" : "connection dropped",
                 detail);
        return ATTEMPT_RETRY;
    case CURLE_BAD_CONTENT_ENCODING:
        res->status = SECSTD_ERR_NETWORK;
        snprintf(res->reason, sizeof res->reason, "corrupt compressed body: %s", detail);
        return ATTEMPT_RETRY;
    default:
        res->status = SECSTD_ERR_NETWORK;
        snprintf(res->reason, sizeof res->reason, "%s", detail);
        return ATTEMPT_FINAL;
    }

    long code = 0;
    curl_easy_getinfo(f->curl, CURLINFO_RESPONSE_CODE, &code);
    res->http_code = is_file ? 0 : code;
    if (!is_file && code == 304 && ((req->etag && *req->etag) || (req->last_modified && *req->last_modified))) {
        res->status = SECSTD_ERR_UNCHANGED;
        snprintf(res->reason, sizeof res->reason, "not modified (HTTP 304)");
        return ATTEMPT_OK;
    }
    if (!is_file && (code < 200 || code > 299)) {
        res->status = SECSTD_ERR_HTTP;
        snprintf(res->reason, sizeof res->reason, "HTTP %ld", code);
        if (code == 429 || code == 408 || (code >= 500 && code <= 599))
            return ATTEMPT_RETRY;
        return ATTEMPT_FINAL;
    }
    /* libcurl may call a short body a success (notably with Content-
     * Encoding): compare what arrived with what was announced. */
    curl_off_t announced = -1, received = 0;
    curl_easy_getinfo(f->curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &announced);
    curl_easy_getinfo(f->curl, CURLINFO_SIZE_DOWNLOAD_T, &received);
    if (!is_file && announced >= 0 && received != announced) {
        res->status = SECSTD_ERR_NETWORK;
        snprintf(res->reason, sizeof res->reason,
                 "truncated body: %lld of %lld announced bytes received", (long long)received,
                 (long long)announced);
        return ATTEMPT_RETRY;
    }
    char *ctype = NULL;
    curl_easy_getinfo(f->curl, CURLINFO_CONTENT_TYPE, &ctype);
    if (!is_file && type_listed(ctype, req->reject_types)) {
        res->status = SECSTD_ERR_HTTP;
        snprintf(res->reason, sizeof res->reason,
                 "unexpected content type %s (an error or login page, not the listing)", ctype);
        return ATTEMPT_FINAL;
    }
    res->status = SECSTD_OK;
    return ATTEMPT_OK;
}

secstd_status secstd_fetch(secstd_fetcher *f, const secstd_fetch_request *req,
                           secstd_fetch_result *res)
{
    memset(res, 0, sizeof *res);
    secstd_utc_now(res->fetched_at, sizeof res->fetched_at);
    url_parts u;
    if (!req || !req->url || url_split(req->url, &u) != 0) {
        res->status = SECSTD_ERR_INVALID;
        snprintf(res->reason, sizeof res->reason, "malformed URL: %s", req && req->url ? req->url : "(none)");
        return res->status;
    }
    int is_file = strcasecmp(u.scheme, "file") == 0;
    int is_http = strcasecmp(u.scheme, "http") == 0 || strcasecmp(u.scheme, "https") == 0;
    if (!is_file && !is_http) {
        res->status = SECSTD_ERR_INVALID;
        snprintf(res->reason, sizeof res->reason, "unsupported URL scheme '%s'", u.scheme);
        url_parts_free(&u);
        return res->status;
    }
    host_info *h = is_http ? host_get(f, u.origin) : NULL;
    if (is_http && f->o.robots && h) {
        if (!h->robots_known)
            robots_load(f, h);
        if (!robots_allowed(h, u.path)) {
            res->status = SECSTD_ERR_HTTP;
            snprintf(res->reason, sizeof res->reason, "robots.txt of %s disallows %s for %s",
                     u.origin, u.path, f->agent_token);
            url_parts_free(&u);
            return res->status;
        }
    }
    url_parts_free(&u);

    int max_attempts = is_file ? 1 : 1 + (f->o.retries > 0 ? f->o.retries : 0);
    for (int attempt = 1;; attempt++) {
        transfer t = {0};
        char errbuf[CURL_ERROR_SIZE];
        polite_wait(f, h);
        CURLcode rc = perform(f, req->url, req, f->o.max_body, &t, errbuf, 0);
        if (h)
            h->last_ms = now_ms();
        res->attempts = attempt;
        attempt_kind kind = classify(f, req, rc, &t, errbuf, is_file, res);
        if (kind == ATTEMPT_OK) {
            char *eff = NULL, *ctype = NULL;
            curl_easy_getinfo(f->curl, CURLINFO_EFFECTIVE_URL, &eff);
            curl_easy_getinfo(f->curl, CURLINFO_CONTENT_TYPE, &ctype);
            res->effective_url = dup_or_null(eff);
            res->content_type = dup_or_null(ctype);
            res->etag = dup_or_null(t.etag);
            res->last_modified = dup_or_null(t.last_modified);
            if (res->status == SECSTD_OK) {
                if (!t.buf && !(t.buf = malloc(1))) {
                    res->status = SECSTD_ERR_NOMEM;
                    return res->status;
                }
                t.buf[t.len] = '\0';
                res->body = t.buf;
                res->len = t.len;
                secstd_body_digest(res->body, res->len, res->digest, sizeof res->digest);
            } else {
                free(t.buf);
            }
            return res->status;
        }
        free(t.buf);
        if (kind == ATTEMPT_FINAL || attempt >= max_attempts) {
            if (attempt > 1) {
                size_t l = strlen(res->reason);
                snprintf(res->reason + l, sizeof res->reason - l, " (after %d attempts)", attempt);
            }
            return res->status;
        }
        long long wait = backoff_ms(f, attempt);
        if (res->http_code == 429 || res->http_code == 503) {
            long ra = parse_retry_after(t.retry_after);
            if (ra > f->o.retry_after_max_s) {
                size_t l = strlen(res->reason);
                snprintf(res->reason + l, sizeof res->reason - l,
                         ": Retry-After %ld s exceeds retry_after_max (%ld s)", ra,
                         f->o.retry_after_max_s);
                return res->status;
            }
            if (ra >= 0)
                wait = (long long)ra * 1000;
        }
        if (f->o.on_retry)
            f->o.on_retry(f->o.on_retry_ctx, req->url, attempt + 1, max_attempts, wait, res->reason);
        sleep_ms(wait);
    }
}
