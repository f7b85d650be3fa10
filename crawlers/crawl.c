/* crawl.c — the crawl driver of crawl.h and the source registry table of
 * sources.def.
 *
 * The order of the per-source steps is what keeps data safe: nothing is
 * written until every document is fetched, parsed, validated and found
 * plausible, and the records file is then replaced by one rename. The
 * crawl state (validators, digests) is updated only after that rename, so
 * a failed run can never make the next run believe it is up to date. */
#include "crawl.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "parser.h"
#include "record.h"
#include "schema.h"

#define MAX_DOCUMENTS 64
#define MAX_INVALID_IDS 50

static const secstd_source sources[] = {
#define SOURCE(name, sdo, parser, live, mirror, min, help) {name, sdo, parser, live, mirror, min, help},
#include "sources.def"
#undef SOURCE
};

size_t secstd_source_count(void) { return sizeof sources / sizeof sources[0]; }

const secstd_source *secstd_source_at(size_t i)
{
    return i < secstd_source_count() ? &sources[i] : NULL;
}

const secstd_source *secstd_source_lookup(const char *name)
{
    for (size_t i = 0; name && i < secstd_source_count(); i++)
        if (strcmp(sources[i].name, name) == 0)
            return &sources[i];
    return NULL;
}

const char *secstd_crawl_outcome_name(secstd_crawl_outcome o)
{
    switch (o) {
    case SECSTD_CRAWL_RUNNING: return "running";
    case SECSTD_CRAWL_FETCHED: return "fetched";
    case SECSTD_CRAWL_UNCHANGED: return "unchanged";
    case SECSTD_CRAWL_FAILED: return "failed";
    case SECSTD_CRAWL_SKIPPED: return "skipped";
    }
    return "unknown";
}

static void errf(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void errf(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* ---- options ---------------------------------------------------------- */

static const char *const crawl_keys[] = {
    "user_agent", "contact", "mirror", "base_url", "state_file", "connect_timeout", "timeout",
    "low_speed_limit", "low_speed_time", "max_redirects", "max_body", "retries", "retry_delay",
    "retry_max_delay", "retry_after_max", "host_delay", "robots", "max_drop", NULL,
};
static const char *const source_keys[] = {"enabled", "url", "paths", "min_records", "max_drop", NULL};

secstd_status secstd_crawl_options_init(secstd_crawl_options *o, const secstd_config *cfg,
                                        char *err, size_t errlen)
{
    memset(o, 0, sizeof *o);
    secstd_fetch_options_default(&o->fetch);
    o->config = cfg;
    /* A listing a fifth shorter than last night's is more likely cut than
     * pruned by its body (a truncated download of 70 % passed at 0.5). */
    o->max_drop = 0.2;
    o->data_dir = "var";
    if (!cfg)
        goto agent;
    if (secstd_config_check_keys(cfg, "crawl", crawl_keys, err, errlen) != SECSTD_OK)
        return SECSTD_ERR_INVALID;
    for (size_t i = 0; i < secstd_config_section_count(cfg); i++) {
        const char *sec = secstd_config_section_at(cfg, i);
        if (strncmp(sec, "source ", 7) != 0)
            continue;
        if (!secstd_source_lookup(sec + 7)) {
            errf(err, errlen, "[%s]: no source called '%s' (secstd crawl --help lists them)", sec, sec + 7);
            return SECSTD_ERR_INVALID;
        }
        if (secstd_config_check_keys(cfg, sec, source_keys, err, errlen) != SECSTD_OK)
            return SECSTD_ERR_INVALID;
    }
    const char *v;
    if ((v = secstd_config_get(cfg, NULL, "data_dir")))
        o->data_dir = v;
    if ((v = secstd_config_get(cfg, "crawl", "mirror")))
        o->mirror = v;
    if ((v = secstd_config_get(cfg, "crawl", "base_url")))
        o->base_url = v;
    if ((v = secstd_config_get(cfg, "crawl", "state_file")))
        o->state_path = v;

    struct {
        const char *key;
        long *dst;
        long min, max, scale;
    } longs[] = {
        {"connect_timeout", &o->fetch.connect_timeout_ms, 1, 3600000, 1},
        {"timeout", &o->fetch.timeout_ms, 1, 86400000, 1},
        {"low_speed_limit", &o->fetch.low_speed_limit, 0, LONG_MAX, 1},
        {"low_speed_time", &o->fetch.low_speed_time, 1, 3600, 1},
        {"max_redirects", &o->fetch.max_redirects, 0, 50, 1},
        {"retry_delay", &o->fetch.retry_base_ms, 0, 3600000, 1},
        {"retry_max_delay", &o->fetch.retry_max_ms, 0, 3600000, 1},
        {"retry_after_max", &o->fetch.retry_after_max_s, 0, 86400, 1},
        {"host_delay", &o->fetch.host_delay_ms, 0, 3600000, 1},
    };
    for (size_t i = 0; i < sizeof longs / sizeof longs[0]; i++)
        if (secstd_config_get_long(cfg, "crawl", longs[i].key, *longs[i].dst, longs[i].min,
                                   longs[i].max, longs[i].dst, err, errlen) != SECSTD_OK)
            return SECSTD_ERR_INVALID;
    long n;
    if (secstd_config_get_long(cfg, "crawl", "max_body", (long)o->fetch.max_body, 1024,
                               1024L * 1024 * 1024 * 4, &n, err, errlen) != SECSTD_OK)
        return SECSTD_ERR_INVALID;
    o->fetch.max_body = (size_t)n;
    if (secstd_config_get_long(cfg, "crawl", "retries", o->fetch.retries, 0, 10, &n, err, errlen) != SECSTD_OK)
        return SECSTD_ERR_INVALID;
    o->fetch.retries = (int)n;
    if (secstd_config_get_bool(cfg, "crawl", "robots", o->fetch.robots, &o->fetch.robots, err, errlen) != SECSTD_OK)
        return SECSTD_ERR_INVALID;
    if (secstd_config_get_double(cfg, "crawl", "max_drop", o->max_drop, 0.0, 1.0, &o->max_drop, err,
                                 errlen) != SECSTD_OK)
        return SECSTD_ERR_INVALID;
agent:;
    const char *ua = cfg ? secstd_config_get(cfg, "crawl", "user_agent") : NULL;
    const char *contact = cfg ? secstd_config_get(cfg, "crawl", "contact") : NULL;
    if (ua)
        snprintf(o->user_agent, sizeof o->user_agent, "%s", ua);
    else if (contact && *contact)
        snprintf(o->user_agent, sizeof o->user_agent, "%s/0.1 (+%s)", SECSTD_FETCH_AGENT, contact);
    else
        snprintf(o->user_agent, sizeof o->user_agent, "%s/0.1", SECSTD_FETCH_AGENT);
    o->fetch.user_agent = o->user_agent;
    return SECSTD_OK;
}

/* ---- helpers ---------------------------------------------------------- */

static double mono_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int mkdir_p(const char *path)
{
    char buf[PATH_MAX];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return -1;
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0755) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(buf, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

/* Number of non-blank lines of path, or -1 when it does not exist. */
static long count_lines(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    long n = 0;
    int c, blank = 1;
    while ((c = getc(f)) != EOF) {
        if (c == '\n') {
            n += !blank;
            blank = 1;
        } else if (c != ' ' && c != '\t' && c != '\r') {
            blank = 0;
        }
    }
    n += !blank;
    fclose(f);
    return n;
}

/* Appends s to a '|'-list in a fixed array of at most MAX_DOCUMENTS items. */
typedef struct doclist {
    char *urls[MAX_DOCUMENTS];
    size_t n;
} doclist;

static void doclist_free(doclist *d)
{
    for (size_t i = 0; i < d->n; i++)
        free(d->urls[i]);
    d->n = 0;
}

/* Percent-encodes what is not safe in a URL path; '/' is kept. */
static char *escape_path(const char *p, size_t len)
{
    static const char safe[] = "-._~/!$&'()*,;=:@";
    char *out = malloc(len * 3 + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)p[i];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || strchr(safe, c)) {
            out[o++] = (char)c;
        } else {
            snprintf(out + o, 4, "%%%02X", c);
            o += 3;
        }
    }
    out[o] = '\0';
    return out;
}

typedef struct build_ctx {
    doclist *d;
    const char *prefix;   /* NULL: items are whole URLs */
    int failed;
} build_ctx;

static int add_item(void *vctx, const char *item, size_t len)
{
    build_ctx *b = vctx;
    while (len && (*item == ' ' || *item == '\t'))
        item++, len--;
    while (len && (item[len - 1] == ' ' || item[len - 1] == '\t'))
        len--;
    if (!len)
        return 0;
    if (b->d->n == MAX_DOCUMENTS) {
        b->failed = 1;
        return 1;
    }
    char *url;
    if (b->prefix) {
        char *esc = escape_path(item, len);
        size_t n = strlen(b->prefix) + (esc ? strlen(esc) : 0) + 2;
        url = esc ? malloc(n) : NULL;
        if (url)
            snprintf(url, n, "%s/%s", b->prefix, esc);
        free(esc);
    } else {
        url = strndup(item, len);
    }
    if (!url) {
        b->failed = 1;
        return 1;
    }
    b->d->urls[b->d->n++] = url;
    return 0;
}

/* The URLs to fetch for src: [source NAME] url > mirror > base_url > live. */
static secstd_status source_urls(const secstd_crawl_options *o, const secstd_source *src, doclist *d,
                                 char *why, size_t whylen)
{
    char section[128];
    snprintf(section, sizeof section, "source %s", src->name);
    const char *url = secstd_config_get(o->config, section, "url");
    const char *paths = secstd_config_get(o->config, section, "paths");
    if (!paths)
        paths = src->mirror_paths;
    char *prefix = NULL;
    const char *list = NULL;
    int relative = 0;
    if (url) {
        list = url;
    } else if (o->mirror && *o->mirror) {
        char abs[PATH_MAX];
        if (o->mirror[0] == '/') {
            snprintf(abs, sizeof abs, "%s", o->mirror);
        } else if (!realpath(o->mirror, abs)) {
            errf(why, whylen, "mirror %s: %s", o->mirror, strerror(errno));
            return SECSTD_ERR_NOT_FOUND;
        }
        size_t len = strlen(abs);
        while (len > 1 && abs[len - 1] == '/')
            abs[--len] = '\0';
        char *esc = escape_path(abs, len);
        if (!esc)
            return SECSTD_ERR_NOMEM;
        size_t n = strlen(esc) + 8;
        prefix = malloc(n);
        if (prefix)
            snprintf(prefix, n, "file://%s", esc);
        free(esc);
        list = paths;
        relative = 1;
    } else if (o->base_url && *o->base_url) {
        size_t len = strlen(o->base_url);
        while (len > 1 && o->base_url[len - 1] == '/')
            len--;
        prefix = strndup(o->base_url, len);
        list = paths;
        relative = 1;
    } else {
        list = src->live_urls;
    }
    if (relative && !prefix)
        return SECSTD_ERR_NOMEM;
    build_ctx b = {d, prefix, 0};
    secstd_list_each(list, add_item, &b);
    free(prefix);
    if (b.failed) {
        doclist_free(d);
        errf(why, whylen, "more than %d documents or out of memory", MAX_DOCUMENTS);
        return SECSTD_ERR_TOO_LARGE;
    }
    if (d->n == 0) {
        errf(why, whylen, "no public listing URL; set mirror or base_url (or [source %s] url)", src->name);
        return SECSTD_ERR_NOT_FOUND;
    }
    return SECSTD_OK;
}

static const char *jstr(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

/* Adds "source" provenance to rec. */
static void add_provenance(json_t *rec, const secstd_source *src, const secstd_parser *p,
                           const char *url, const secstd_fetch_result *res)
{
    json_t *s = json_object();
    json_object_set_new(s, "name", json_string(src->name));
    json_object_set_new(s, "url", json_string(url));
    json_object_set_new(s, "fetched_at", json_string(res->fetched_at));
    if (res->etag)
        json_object_set_new(s, "etag", json_string(res->etag));
    if (res->last_modified)
        json_object_set_new(s, "last_modified", json_string(res->last_modified));
    json_object_set_new(s, "parser_version", json_string(p->version));
    json_object_set_new(rec, "source", s);
}

/* A reason on one line: the report is a table and a journal line per
 * source, and parsers' messages (libxml2's) can hold line breaks. */
static void one_line(char *s)
{
    for (; *s; s++)
        if (*s == '\n' || *s == '\r' || *s == '\t')
            *s = ' ';
}

static void fail(secstd_source_report *r, secstd_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail(secstd_source_report *r, secstd_status st, const char *fmt, ...)
{
    r->outcome = SECSTD_CRAWL_FAILED;
    r->status = st;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->reason, sizeof r->reason, fmt, ap);
    va_end(ap);
    one_line(r->reason);
}

struct retry_note {
    void (*progress)(void *ctx, const secstd_source_report *r);
    void *ctx;
    secstd_source_report *r;  /* the source being crawled */
    char last[sizeof ((secstd_source_report *)0)->reason];
};

static void note_retry(void *vctx, const char *url, int next_attempt, int max_attempts,
                       long long wait_ms, const char *reason)
{
    struct retry_note *n = vctx;
    if (!n->r)
        return;
    (void)url;
    snprintf(n->r->reason, sizeof n->r->reason, "attempt %d of %d in %.*f s (%s)", next_attempt,
             max_attempts, wait_ms < 10000 ? 1 : 0, (double)wait_ms / 1000.0, reason);
    one_line(n->r->reason);
    snprintf(n->last, sizeof n->last, "%s", n->r->reason);
    n->progress(n->ctx, n->r);
}

/* "812 kB", "12.3 MB". */
static void size_text(double bytes, char *buf, size_t len)
{
    if (bytes < 1e6)
        snprintf(buf, len, "%.0f kB", bytes / 1e3);
    else
        snprintf(buf, len, "%.1f MB", bytes / 1e6);
}

/* A long attempt says how far it got ("waiting for an answer, 20 s";
 * "received 12.3 MB of 40.1 MB, 30 s"), like a retry. */
static void note_transfer(void *vctx, const char *url, long long received, long long total,
                          double seconds)
{
    struct retry_note *n = vctx;
    if (!n->r)
        return;
    (void)url;
    char got[32], of[40] = "", all[32];
    size_text((double)received, got, sizeof got);
    if (total > 0) {
        size_text((double)total, all, sizeof all);
        snprintf(of, sizeof of, " of %s", all);
    }
    if (received <= 0)
        snprintf(n->r->reason, sizeof n->r->reason, "waiting for an answer, %.0f s", seconds);
    else
        snprintf(n->r->reason, sizeof n->r->reason, "received %s%s, %.0f s", got, of, seconds);
    snprintf(n->last, sizeof n->last, "%s", n->r->reason);
    n->progress(n->ctx, n->r);
}

/* Body digest of document i for the source digest: the new one, or the
 * remembered one when the document answered 304. */
static const char *doc_digest(const secstd_fetch_result *res, const json_t *url_state)
{
    if (res->status == SECSTD_OK)
        return res->digest;
    const char *d = jstr(url_state, "digest");
    return d ? d : "";
}

/* ---- one source ------------------------------------------------------- */

static void crawl_source(const secstd_crawl_options *o, secstd_fetcher *f, secstd_crawl_state *state,
                         const char *records_dir, secstd_source_report *r)
{
    const secstd_source *src = r->source;
    char section[128];
    snprintf(section, sizeof section, "source %s", src->name);
    char err[768];
    r->previous_records = -1;
    r->status = SECSTD_OK;

    int enabled = 1;
    if (secstd_config_get_bool(o->config, section, "enabled", 1, &enabled, err, sizeof err) != SECSTD_OK) {
        fail(r, SECSTD_ERR_INVALID, "%s", err);
        return;
    }
    if (!enabled) {
        r->outcome = SECSTD_CRAWL_SKIPPED;
        snprintf(r->reason, sizeof r->reason, "disabled in the config");
        return;
    }
    const secstd_parser *p = secstd_parser_lookup(src->parser);
    if (!p) {
        r->outcome = SECSTD_CRAWL_SKIPPED;
        snprintf(r->reason, sizeof r->reason, "no parser: '%s' is not registered in parsers.def yet",
                 src->parser);
        return;
    }
    long min_records;
    double max_drop;
    if (secstd_config_get_long(o->config, section, "min_records", src->min_records, 0, LONG_MAX,
                               &min_records, err, sizeof err) != SECSTD_OK ||
        secstd_config_get_double(o->config, section, "max_drop", o->max_drop, 0.0, 1.0, &max_drop,
                                 err, sizeof err) != SECSTD_OK) {
        fail(r, SECSTD_ERR_INVALID, "%s", err);
        return;
    }
    doclist docs = {{0}, 0};
    secstd_status st = source_urls(o, src, &docs, err, sizeof err);
    if (st == SECSTD_ERR_NOT_FOUND && !o->mirror) {
        r->outcome = SECSTD_CRAWL_SKIPPED;
        snprintf(r->reason, sizeof r->reason, "%s", err);
        return;
    }
    if (st != SECSTD_OK) {
        fail(r, st, "%s", err);
        return;
    }

    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/%s.jsonl", records_dir, src->name) >= (int)sizeof path) {
        doclist_free(&docs);
        fail(r, SECSTD_ERR_INVALID, "records path too long");
        return;
    }
    r->previous_records = count_lines(path);
    if (r->previous_records >= 0)
        r->records = (size_t)r->previous_records;
    const json_t *src_state = secstd_crawl_state_source(state, src->name);
    /* Conditional requests only when what they would spare us exists, was
     * produced by this parser version, and is still whole: a records file
     * emptied or cut since (by hand, a full disk) holds fewer lines than
     * the crawl wrote, and "unchanged upstream" must not keep it. */
    const json_t *state_records = json_object_get(src_state, "records");
    int file_whole = !json_is_integer(state_records) ||
                     json_integer_value(state_records) == (json_int_t)r->previous_records;
    int conditional = !o->force && r->previous_records >= 0 && src_state && file_whole &&
                      jstr(src_state, "parser_version") &&
                      strcmp(jstr(src_state, "parser_version"), p->version) == 0;

    secstd_fetch_result *res = calloc(docs.n, sizeof *res);
    secstd_collector *coll = NULL;
    secstd_records_writer *w = NULL;
    json_t *recs = NULL;
    if (!res) {
        fail(r, SECSTD_ERR_NOMEM, "out of memory");
        goto done;
    }
    int reject_html = strcmp(p->format, "HTML") != 0;
    size_t unchanged = 0;
    for (size_t i = 0; i < docs.n; i++) {
        const json_t *us = conditional ? secstd_crawl_state_url(state, docs.urls[i]) : NULL;
        secstd_fetch_request req = {
            .url = docs.urls[i],
            .etag = jstr(us, "etag"),
            .last_modified = jstr(us, "last_modified"),
            .reject_types = reject_html ? "text/html|application/xhtml+xml" : NULL,
        };
        st = secstd_fetch(f, &req, &res[i]);
        if (st == SECSTD_ERR_UNCHANGED && !jstr(us, "digest")) {
            /* 304 but we do not know what we had: fetch it whole */
            secstd_fetch_result_clear(&res[i]);
            req.etag = req.last_modified = NULL;
            st = secstd_fetch(f, &req, &res[i]);
        }
        if (st == SECSTD_ERR_UNCHANGED) {
            unchanged++;
            continue;
        }
        if (st != SECSTD_OK) {
            fail(r, st, "%s: %s", docs.urls[i], res[i].reason);
            goto done;
        }
        r->documents++;
        r->bytes += res[i].len;
    }
    /* Unchanged when every document is 304 or has last run's digest. */
    char digest[64 * MAX_DOCUMENTS / 8 + 64];
    {
        uint64_t h = 14695981039346656037ULL;
        for (size_t i = 0; i < docs.n; i++) {
            const char *d = doc_digest(&res[i], secstd_crawl_state_url(state, docs.urls[i]));
            for (const char *c = d; *c; c++)
                h = (h ^ (unsigned char)*c) * 1099511628211ULL;
            h = (h ^ '|') * 1099511628211ULL;
        }
        snprintf(digest, sizeof digest, "fnv1a64:%016llx:%zu", (unsigned long long)h, docs.n);
    }
    const char *old_digest = jstr(src_state, "digest");
    if (conditional && (unchanged == docs.n || (old_digest && strcmp(old_digest, digest) == 0))) {
        r->outcome = SECSTD_CRAWL_UNCHANGED;
        snprintf(r->reason, sizeof r->reason, "%s",
                 unchanged == docs.n ? "not modified upstream (HTTP 304)" : "same content as last crawl");
        /* refresh validators so the next run can ask conditionally */
        for (size_t i = 0; i < docs.n; i++)
            if (res[i].status == SECSTD_OK)
                secstd_crawl_state_set_url(state, docs.urls[i], res[i].etag, res[i].last_modified,
                                           res[i].digest, res[i].fetched_at);
        goto done;
    }
    /* Something changed: every document is needed, including the 304 ones. */
    for (size_t i = 0; i < docs.n; i++) {
        if (res[i].status == SECSTD_OK)
            continue;
        secstd_fetch_result_clear(&res[i]);
        secstd_fetch_request req = {.url = docs.urls[i],
                                    .reject_types = reject_html ? "text/html|application/xhtml+xml" : NULL};
        st = secstd_fetch(f, &req, &res[i]);
        if (st != SECSTD_OK) {
            fail(r, st, "%s: %s", docs.urls[i], res[i].reason);
            goto done;
        }
        r->documents++;
        r->bytes += res[i].len;
    }

    coll = secstd_collector_new();
    if (!coll) {
        fail(r, SECSTD_ERR_NOMEM, "out of memory");
        goto done;
    }
    size_t seen = 0;
    for (size_t i = 0; i < docs.n; i++) {
        if (res[i].len == 0) {
            /* said as it is, before a parser calls it malformed */
            fail(r, SECSTD_ERR_PARSE, "the listing is empty (0 bytes) at %s", docs.urls[i]);
            goto done;
        }
        secstd_parse_input in = {res[i].body, res[i].len, docs.urls[i], src->name};
        err[0] = '\0';
        st = p->parse(&in, coll, err, sizeof err);
        if (st != SECSTD_OK) {
            fail(r, st == SECSTD_ERR_TOO_LARGE || st == SECSTD_ERR_NOMEM ? st : SECSTD_ERR_PARSE,
                 "%s: %s parser: %s", docs.urls[i], p->name, *err ? err : secstd_status_to_string(st));
            goto done;
        }
        /* Records first seen in this document carry its provenance, and so
         * do earlier ones it replaced with a newer edition (the collector
         * rebuilds those, dropping their "source"). */
        recs = secstd_collector_records(coll);
        for (size_t k = 0; k < json_array_size(recs); k++)
            if (k >= seen || !json_object_get(json_array_get(recs, k), "source"))
                add_provenance(json_array_get(recs, k), src, p, docs.urls[i], &res[i]);
        seen = json_array_size(recs);
        json_decref(recs);
        recs = NULL;
    }

    recs = secstd_collector_records(coll);
    size_t valid = 0;
    r->invalid_ids = json_array();
    size_t idx;
    json_t *rec;
    json_array_foreach(recs, idx, rec) {
        if (secstd_record_validate(rec, err, sizeof err) == SECSTD_OK) {
            valid++;
            continue;
        }
        r->invalid++;
        if (json_array_size(r->invalid_ids) < MAX_INVALID_IDS) {
            const char *id = jstr(rec, "id");
            char line[1024];
            snprintf(line, sizeof line, "%s: %s", id ? id : "(no id)", err);
            json_array_append_new(r->invalid_ids, json_string(line));
        }
    }
    if ((long)valid < min_records) {
        fail(r, SECSTD_ERR_PARSE,
             "implausible listing: %zu valid records, fewer than min_records %ld%s%s", valid,
             min_records, r->invalid ? "; first invalid: " : " (truncated or not this format?)",
             r->invalid ? json_string_value(json_array_get(r->invalid_ids, 0)) : "");
        goto done;
    }
    if (r->previous_records > 0 && (double)valid < (double)r->previous_records * (1.0 - max_drop)) {
        fail(r, SECSTD_ERR_PARSE,
             "implausible drop: %zu records, previously %ld (more than max_drop %.0f%% fewer; "
             "truncated upstream listing?); raise max_drop to accept",
             valid, r->previous_records, max_drop * 100.0);
        goto done;
    }

    if (mkdir_p(records_dir) != 0) {
        fail(r, SECSTD_ERR_IO, "%s: %s", records_dir, strerror(errno));
        goto done;
    }
    st = secstd_records_writer_open(path, &w, err, sizeof err);
    if (st != SECSTD_OK) {
        fail(r, st, "%s", err);
        goto done;
    }
    json_array_foreach(recs, idx, rec) {
        if (secstd_record_validate(rec, NULL, 0) != SECSTD_OK)
            continue;
        if ((st = secstd_records_writer_add(w, rec)) != SECSTD_OK) {
            fail(r, st, "%s: writing: %s", path, secstd_status_to_string(st));
            goto done;
        }
    }
    st = secstd_records_writer_commit(w, err, sizeof err);
    if (st != SECSTD_OK) {
        fail(r, st, "%s", err);
        goto done;
    }
    r->outcome = SECSTD_CRAWL_FETCHED;
    r->records = valid;
    if (r->invalid)
        snprintf(r->reason, sizeof r->reason, "%zu invalid records left out (first: %s)", r->invalid,
                 json_string_value(json_array_get(r->invalid_ids, 0)));
    /* Only now does the state learn what we have. */
    for (size_t i = 0; i < docs.n; i++)
        secstd_crawl_state_set_url(state, docs.urls[i], res[i].etag, res[i].last_modified,
                                   res[i].digest, res[i].fetched_at);
    char now[32];
    secstd_utc_now(now, sizeof now);
    secstd_crawl_state_set_source(state, src->name,
                                  json_pack("{s:s, s:s, s:I, s:s}", "digest", digest, "parser_version",
                                            p->version, "records", (json_int_t)valid, "crawled_at", now));
done:
    if (w)
        secstd_records_writer_free(w);
    json_decref(recs);
    secstd_collector_free(coll);
    for (size_t i = 0; res && i < docs.n; i++)
        secstd_fetch_result_clear(&res[i]);
    free(res);
    doclist_free(&docs);
}

/* ---- the run ---------------------------------------------------------- */

secstd_status secstd_crawl_run(const secstd_crawl_options *o, const char *const *names, size_t n,
                               secstd_crawl_progress_fn progress, void *ctx,
                               secstd_crawl_report **out, char *err, size_t errlen)
{
    *out = NULL;
    for (size_t i = 0; i < n; i++)
        if (!secstd_source_lookup(names[i])) {
            errf(err, errlen, "no source called '%s' (secstd crawl --help lists them)", names[i]);
            return SECSTD_ERR_NOT_FOUND;
        }
    const char *data = o->data_dir && *o->data_dir ? o->data_dir : "var";
    char records_dir[PATH_MAX], state_dir[PATH_MAX], state_path[PATH_MAX];
    int toolong = snprintf(records_dir, sizeof records_dir, "%s/records", data) >= (int)sizeof records_dir;
    toolong |= snprintf(state_dir, sizeof state_dir, "%s/state", data) >= (int)sizeof state_dir;
    if (o->state_path)
        toolong |= snprintf(state_path, sizeof state_path, "%s", o->state_path) >= (int)sizeof state_path;
    else
        toolong |= snprintf(state_path, sizeof state_path, "%s/state/crawl-state.json", data) >= (int)sizeof state_path;
    if (toolong) {
        errf(err, errlen, "data directory path too long");
        return SECSTD_ERR_INVALID;
    }
    if (mkdir_p(records_dir) != 0 || (!o->state_path && mkdir_p(state_dir) != 0)) {
        errf(err, errlen, "%s: %s", data, strerror(errno));
        return SECSTD_ERR_IO;
    }

    secstd_crawl_report *rep = calloc(1, sizeof *rep);
    size_t count = n ? n : secstd_source_count();
    if (!rep || !(rep->sources = calloc(count, sizeof *rep->sources))) {
        free(rep);
        return SECSTD_ERR_NOMEM;
    }
    secstd_crawl_state *state = NULL;
    if (secstd_crawl_state_load(state_path, &state, rep->warning, sizeof rep->warning) != SECSTD_OK) {
        secstd_crawl_report_free(rep);
        return SECSTD_ERR_NOMEM;
    }
    /* Retries and long attempts of a slow or failing source show as
     * progress of that source. */
    struct retry_note rn = {progress, ctx, NULL, ""};
    secstd_fetch_options fo = o->fetch;
    if (progress) {
        fo.on_retry = note_retry;
        fo.on_retry_ctx = &rn;
        fo.on_transfer = note_transfer;
        fo.on_transfer_ctx = &rn;
    }
    secstd_fetcher *f = secstd_fetcher_new(&fo);
    if (!f) {
        secstd_crawl_state_free(state);
        secstd_crawl_report_free(rep);
        errf(err, errlen, "cannot initialise libcurl");
        return SECSTD_ERR_NOMEM;
    }
    double t0 = mono_seconds();
    for (size_t i = 0; i < count; i++) {
        secstd_source_report *r = &rep->sources[rep->n++];
        r->source = n ? secstd_source_lookup(names[i]) : secstd_source_at(i);
        r->outcome = SECSTD_CRAWL_RUNNING;
        r->previous_records = -1;
        if (progress)
            progress(ctx, r);
        double s0 = mono_seconds();
        rn.r = r;
        rn.last[0] = '\0';
        crawl_source(o, f, state, records_dir, r);
        /* a retry note that succeeded in the end is not the outcome's reason */
        if (rn.last[0] && strcmp(r->reason, rn.last) == 0)
            r->reason[0] = '\0';
        r->seconds = mono_seconds() - s0;
        if (r->outcome == SECSTD_CRAWL_FETCHED || r->outcome == SECSTD_CRAWL_UNCHANGED) {
            char serr[400];
            if (secstd_crawl_state_save(state, serr, sizeof serr) != SECSTD_OK)
                snprintf(rep->warning, sizeof rep->warning, "crawl state not saved: %.400s", serr);
        }
        if (progress)
            progress(ctx, r);
    }
    rep->seconds = mono_seconds() - t0;
    secstd_fetcher_free(f);
    secstd_crawl_state_free(state);
    *out = rep;
    return SECSTD_OK;
}

int secstd_crawl_report_exit_status(const secstd_crawl_report *r)
{
    size_t ok = 0, failed = 0;
    for (size_t i = 0; i < r->n; i++) {
        ok += r->sources[i].outcome == SECSTD_CRAWL_FETCHED || r->sources[i].outcome == SECSTD_CRAWL_UNCHANGED;
        failed += r->sources[i].outcome == SECSTD_CRAWL_FAILED;
    }
    if (ok == 0)
        return 2;
    return failed ? 1 : 0;
}

json_t *secstd_crawl_report_json(const secstd_crawl_report *r)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < r->n; i++) {
        const secstd_source_report *s = &r->sources[i];
        json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:f}",
                              "name", s->source->name, "sdo", s->source->sdo, "outcome",
                              secstd_crawl_outcome_name(s->outcome), "status",
                              secstd_status_to_string(s->status), "reason", s->reason, "documents",
                              (json_int_t)s->documents, "bytes", (json_int_t)s->bytes, "records",
                              (json_int_t)s->records, "previous_records",
                              (json_int_t)s->previous_records, "invalid", (json_int_t)s->invalid,
                              "seconds", s->seconds);
        if (o && s->invalid_ids && json_array_size(s->invalid_ids))
            json_object_set(o, "invalid_ids", s->invalid_ids);
        json_array_append_new(arr, o);
    }
    return json_pack("{s:f, s:i, s:s, s:o}", "seconds", r->seconds, "exit_status",
                     secstd_crawl_report_exit_status(r), "warning", r->warning, "sources", arr);
}

void secstd_crawl_report_free(secstd_crawl_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++)
        json_decref(r->sources[i].invalid_ids);
    free(r->sources);
    free(r);
}
