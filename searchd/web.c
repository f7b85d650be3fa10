/* web.c — everything searchd serves that is not the JSON API: the web
 * page and its assets from the web directory, the OpenSearch description,
 * /healthz and /metrics.
 *
 * Assets are served from one flat directory by name: the name must be a
 * plain file name from a small alphabet (no '/', no "..", no leading dot),
 * its extension must be in the content-type table, the file is opened
 * without following symlinks and must be a regular file. There is no
 * directory listing. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

/* Largest asset served (the page's files are a few tens of KiB). */
#define MAX_ASSET_SIZE (4 * 1024 * 1024)

typedef struct content_type {
    const char *ext;
    const char *type;
} content_type;

static const content_type CONTENT_TYPES[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".json", "application/json; charset=utf-8"},
    {".txt", "text/plain; charset=utf-8"},
    {".webmanifest", "application/manifest+json"},
};

const char *sd_web_content_type(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (!dot)
        return NULL;
    for (size_t i = 0; i < sizeof(CONTENT_TYPES) / sizeof(CONTENT_TYPES[0]); i++)
        if (strcmp(dot, CONTENT_TYPES[i].ext) == 0)
            return CONTENT_TYPES[i].type;
    return NULL;
}

int sd_web_name_ok(const char *name, size_t len)
{
    if (len == 0 || len > 64 || name[0] == '.')
        return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        if (!isalnum(c) && c != '.' && c != '-' && c != '_')
            return 0;
        if (c == '.' && i + 1 < len && name[i + 1] == '.')
            return 0;
    }
    return 1;
}

static enum MHD_Result serve_file(sd_request *rq, const char *name, sd_cache cache)
{
    const char *type = sd_web_content_type(name);
    if (!type)
        return sd_respond_errorf(rq, 404, NULL, "no such file");
    const searchd_config *cfg = sd_server_config(rq->srv);
    char path[4096];
    int n = snprintf(path, sizeof(path), "%s/%s", cfg->web_dir, name);
    if (n < 0 || (size_t)n >= sizeof(path))
        return sd_respond_errorf(rq, 404, NULL, "no such file");
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return sd_respond_errorf(rq, 404, NULL, "no such file");
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > MAX_ASSET_SIZE) {
        close(fd);
        return sd_respond_errorf(rq, 404, NULL, "no such file");
    }
    struct MHD_Response *resp = MHD_create_response_from_fd((size_t)st.st_size, fd);
    if (!resp) {
        close(fd);
        return sd_respond_errorf(rq, 503, NULL, "out of memory");
    }
    char modified[64];
    struct tm tm;
    gmtime_r(&st.st_mtime, &tm);
    if (strftime(modified, sizeof(modified), "%a, %d %b %Y %H:%M:%S GMT", &tm))
        MHD_add_response_header(resp, "Last-Modified", modified);
    rq->bytes = (long long)st.st_size;
    return sd_respond(rq, 200, resp, type, cache);
}

enum MHD_Result sd_handle_page(sd_request *rq)
{
    /* The page's state lives in its query string (permalinks); the page
     * reads it itself, so any arguments are fine here. */
    return serve_file(rq, "index.html", SD_CACHE_API);
}

enum MHD_Result sd_handle_static(sd_request *rq)
{
    if (!sd_web_name_ok(rq->capture, rq->capture_len) || rq->capture[rq->capture_len] != '\0')
        return sd_respond_errorf(rq, 404, NULL, "no such file");
    return serve_file(rq, rq->capture, SD_CACHE_STATIC);
}

/* The Host header if it is a plain host[:port], for absolute URLs. */
static const char *request_host(sd_request *rq)
{
    const char *h = MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, "Host");
    if (!h || !*h || strlen(h) > 255)
        return NULL;
    for (const char *p = h; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr(".-:[]", *p))
            return NULL;
    return h;
}

enum MHD_Result sd_handle_opensearch(sd_request *rq)
{
    sd_error e;
    static const char *const none[] = {NULL};
    if (sd_check_args(rq->args, rq->nargs, none, &e) < 0)
        return sd_respond_error(rq, &e);
    char base[320];
    const char *host = request_host(rq);
    if (host)
        snprintf(base, sizeof(base), "http://%s/", host);
    else
        snprintf(base, sizeof(base), "%s", searchd_url(rq->srv));
    sd_buf b;
    sd_buf_init(&b, 16 * 1024);
    sd_buf_printf(
        &b,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<OpenSearchDescription xmlns=\"http://a9.com/-/spec/opensearch/1.1/\">\n"
        "  <ShortName>secstd</ShortName>\n"
        "  <LongName>secstd: ICT security standards search</LongName>\n"
        "  <Description>Search ICT security standards of ITU-T, ISO/IEC, IETF, 3GPP, ETSI, "
        "IEEE, NIST, OASIS, oneM2M, W3C and others by topic, technology area and "
        "identifier.</Description>\n"
        "  <Tags>security standards ITU-T SG17 ISO IEC IETF 3GPP ETSI</Tags>\n"
        "  <InputEncoding>UTF-8</InputEncoding>\n"
        "  <OutputEncoding>UTF-8</OutputEncoding>\n"
        "  <Url type=\"text/html\" method=\"get\" template=\"%s?q={searchTerms}&amp;page={startPage?}\"/>\n"
        "  <Url type=\"application/json\" method=\"get\" "
        "template=\"%sapi/search?q={searchTerms}&amp;page={startPage?}&amp;per_page={count?}\"/>\n"
        "  <Url type=\"text/csv\" method=\"get\" template=\"%ssearch.csv?q={searchTerms}\"/>\n"
        "  <Url type=\"application/opensearchdescription+xml\" rel=\"self\" "
        "template=\"%sopensearch.xml\"/>\n"
        "  <Image height=\"16\" width=\"16\" type=\"image/svg+xml\">%sstatic/favicon.svg</Image>\n"
        "</OpenSearchDescription>\n",
        base, base, base, base, base);
    enum MHD_Result r =
        sd_respond_data(rq, 200, "application/opensearchdescription+xml; charset=utf-8",
                        SD_CACHE_STATIC, b.data ? b.data : "", b.len);
    sd_buf_free(&b);
    return r;
}

enum MHD_Result sd_handle_healthz(sd_request *rq)
{
    sd_error e;
    static const char *const none[] = {NULL};
    if (sd_check_args(rq->args, rq->nargs, none, &e) < 0)
        return sd_respond_error(rq, &e);
    secstd_index *idx = sd_request_index(rq);
    if (!idx)
        return rq->queued;
    long long built = secstd_index_built_at(idx);
    long long now = (long long)time(NULL);
    char when[32] = "";
    time_t t = (time_t)built;
    struct tm tm;
    if (built > 0 && gmtime_r(&t, &tm))
        strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
    /* A refresh that stopped publishing is the failure an operator must
     * hear about: the index still serves, but it is flagged stale. */
    long long age = built > 0 && now >= built ? now - built : 0;
    unsigned max_age = sd_server_config(rq->srv)->max_index_age;
    int stale = max_age > 0 && age > (long long)max_age;
    json_t *out = json_object();
    json_object_set_new(out, "status", json_string(stale ? "stale" : "ok"));
    json_object_set_new(out, "stale", json_boolean(stale));
    json_object_set_new(out, "max_age_seconds", json_integer(max_age));
    json_object_set_new(out, "generation", json_integer(secstd_index_generation(idx)));
    json_object_set_new(out, "records", json_integer(secstd_index_doccount(idx)));
    json_object_set_new(out, "built_at", built > 0 ? json_string(when) : json_null());
    json_object_set_new(out, "age_seconds", json_integer(age));
    json_object_set_new(out, "uptime_seconds",
                        json_integer(now - sd_server_metrics(rq->srv)->started_at));
    return sd_respond_json(rq, 200, out, SD_CACHE_NONE);
}

enum MHD_Result sd_handle_metrics(sd_request *rq)
{
    sd_error e;
    static const char *const none[] = {NULL};
    if (sd_check_args(rq->args, rq->nargs, none, &e) < 0)
        return sd_respond_error(rq, &e);
    sd_buf b;
    sd_buf_init(&b, 1024 * 1024);
    sd_metrics_render(sd_server_metrics(rq->srv), &b);
    enum MHD_Result r = sd_respond_data(rq, 200, "text/plain; version=0.0.4; charset=utf-8",
                                        SD_CACHE_NONE, b.data ? b.data : "", b.len);
    sd_buf_free(&b);
    return r;
}
